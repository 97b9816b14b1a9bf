"""The plan's follow-up questions beyond the status matrix: each action's history, its metrics with where
their data comes from, and the own metrics (uploaded by the parties) as trends like any indicator."""
from __future__ import annotations

import numpy as np
import pandas as pd

from common.i18n import catalogue, t
from metrics import trends
from readmodel import page_data

OWN_REGION = "OMA"  # the region category an own metric's trend is computed under (a party key is its code)
NO_SOURCE = catalogue()["followup.data_source_none"]["fi"]  # in Finnish; metric_sources() writes the reader's


def own_metric_values(con) -> pd.DataFrame:
    """The current value per own metric, party key and year (the newest upload wins) with its provenance."""
    return con.execute(
        """SELECT v.metric_id, v.party_code, v.year, v.value, f.file_name, f.checksum, f.uploaded_by, f.uploaded_at
           FROM own_metric_value v JOIN own_metric_file f USING (load_id)
           QUALIFY row_number() OVER (PARTITION BY v.metric_id, v.party_code, v.year ORDER BY v.load_id DESC) = 1
           ORDER BY v.metric_id, v.party_code, v.year""").df()


def own_metric_trend(con, metric_id: str) -> pd.DataFrame:
    """One own metric's values per party key and year with each key's trend class (metrics.trends, as a
    neutral indicator: kasvaa / laskee / ennallaan / ei erotu / ei riittävästi tietoa) and the party's name."""
    values = own_metric_values(con)
    values = values[values["metric_id"] == metric_id]
    cols = ["party_code", "party_name", "year", "value", "trend", "uploaded_by", "uploaded_at", "file_name"]
    if values.empty:
        return pd.DataFrame(columns=cols)
    series = pd.DataFrame({"indicator_id": 0, "region_category": OWN_REGION, "region_code": values["party_code"],
                           "gender": "total", "year": values["year"], "value": values["value"], "abs_value": np.nan})
    meta = pd.DataFrame({"id": [0], "direction": ["neutral"], "scale": [np.nan], "decimals": [0]})
    classes = trends.compute_trends(series, meta).set_index("region_code")["trend_class"]
    names = party_names(con)
    out = values.assign(party_name=values["party_code"].map(names).fillna(values["party_code"]),
                        trend=values["party_code"].map(classes).fillna(trends.NO_DATA))
    return out[cols].reset_index(drop=True)


def party_names(con) -> dict[str, str]:
    """Party key -> name: municipalities by name, the HVA by its region name, the liitto by its party name."""
    names = dict(con.execute("SELECT code, name_fi FROM own_municipality").fetchall())
    hva = con.execute("SELECT code, name_fi FROM region WHERE category = 'HYVINVOINTIALUE'").fetchall()
    names.update(dict(hva))
    liitto = con.execute("SELECT name_fi FROM party WHERE kind = 'liitto'").fetchall()
    for code, in con.execute("SELECT code FROM region WHERE category = 'MAAKUNTA'").fetchall():
        if liitto:
            names[code] = liitto[0][0]
    return names


def action_history(con, action_id: str) -> pd.DataFrame:
    """Every recorded status of one action, newest first: party, status, date, note, responsible person,
    timetable, who recorded it and when (UTC)."""
    frame = con.execute(
        """SELECT municipality_code, status, status_date, note, responsible, timetable, recorded_by,
                  date_trunc('second', recorded_at) AS recorded_at
           FROM action_status WHERE action_id = ? ORDER BY recorded_at DESC, entry_id DESC""", [action_id]).df()
    return frame.assign(party=frame["municipality_code"].map(party_names(con)).fillna(frame["municipality_code"]))


def metric_sources(con) -> pd.DataFrame:
    """Every metric of the plan with the actions it belongs to and where its data comes from (source_text):
    Sotkanet indicators (with the folder's reason), an own metric (unit, reporting party), the survey's
    questions, a status record, or "ei tietolähdettä" with how to supply one."""
    p = page_data.plan(con)
    metrics, questions = p["metrics"], p["questions"]
    asked = questions.dropna(subset=["metric_id"]).groupby("metric_id")["question_id"].apply(list).to_dict()
    parties = dict(zip(p["parties"]["party_id"], p["parties"]["name_fi"])) if len(p["parties"]) else {}
    texts = []
    for m in metrics.itertuples():
        ids = list(m.indicator_ids)
        if ids:
            text = "Sotkanet " + ", ".join(str(i) for i in ids) + (f" — {m.indicator_reason}" if isinstance(m.indicator_reason, str) else "")
        elif isinstance(m.own_unit, str) and m.own_unit:
            text = (t("followup.data_source_own", unit=m.own_unit, party=parties.get(m.reported_by, m.reported_by))
                    + (f" — {m.indicator_reason}" if isinstance(m.indicator_reason, str) else ""))
        elif m.metric_id in asked:
            text = t("followup.data_source_survey", questions=", ".join(asked[m.metric_id]))
        elif m.kind == "yes_no":
            text = t("followup.data_source_record")
        elif m.kind == "other":
            text = t("followup.data_source_note")
        else:
            text = t("followup.data_source_none")
        texts.append(text)
    return metrics.assign(source_text=texts)

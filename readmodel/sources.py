"""The data-sources page's questions: what each indicator's data is (rows, years, demo or real, last load),
the load log and its items, and how many municipal borders are loaded."""
from __future__ import annotations

import pandas as pd

from common.i18n import language, stored_text
from common.licence import licence_in_language
from readmodel import page_data
from store.config import region_config


def indicator_loads(con) -> pd.DataFrame:
    """The catalogue's indicators with their rows, years, demo flag and newest load (UTC)."""
    loaded = con.execute(
        """SELECT o.indicator_id, count(*) AS rows, bool_or(o.is_demo) AS is_demo, min(o.year) AS first_year,
                  max(o.year) AS last_year, max(l.finished_at) AS last_load
           FROM observation o LEFT JOIN load_log l ON l.load_id = o.load_id GROUP BY o.indicator_id""").df()
    table = page_data.indicators(con).merge(loaded, left_on="id", right_on="indicator_id", how="left")
    return table.assign(licence=[licence_in_language(lic, org if pd.notna(org) else None) if pd.notna(lic) else None
                                 for lic, org in zip(table["licence"], table["organisation"])])


def load_log(con, limit: int = 200) -> pd.DataFrame:
    """The newest loads; message and licence in the reader's language where the loader stored their keys."""
    log = con.execute("SELECT load_id, source, target, status, started_at, finished_at, rows, is_demo, message, "
                      "message_phrase, licence, licence_phrase FROM load_log ORDER BY load_id DESC LIMIT ?",
                      [limit]).df()
    return _in_language(_in_language(log, "message"), "licence")


def load_items(con, limit: int = 500) -> pd.DataFrame:
    items = con.execute("SELECT load_id, item, status, rows, data_updated, message, message_phrase FROM load_item "
                        "ORDER BY load_id DESC, item LIMIT ?", [limit]).df()
    return _in_language(items, "message")


def _in_language(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    record = f"{column}_phrase"
    texts = [stored_text(m, r) if pd.notna(m) else None
             for m, r in zip(frame[column], frame[record].where(frame[record].notna(), None))]
    return frame.assign(**{column: texts}).drop(columns=[record])


def geometry_count(con) -> int:
    return int(con.execute("SELECT count(*) FROM geometry").fetchone()[0])


def area_notes(con) -> dict:
    """What the region folder says of its area division (in the reader's language, Finnish when the folder has
    none in it), and where the file is."""
    config = region_config()
    return {"note": config.text("areas.note", language(), config.areas_note_fi),
            "file": str(config.folder / "areas.csv")}

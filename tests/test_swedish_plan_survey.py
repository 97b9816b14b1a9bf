"""The Tavoitteet ja toimenpiteet and Kompassikysely pages in Swedish (?lang=sv): headings, captions, widget labels,
table and download headings, chart legends, the status rule and the counts; the status and answer codes stay
Finnish in the data; plan content (goal, level and action texts, survey questions) stays as written; Finnish
stays the default (issue 16)."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from common.i18n import in_language, t
from metrics import followup
from metrics import goals
from metrics import survey_results as sr
from metrics.goals import NO, NO_ANSWER, PARTLY, YES
from store.warehouse import connect_read
from tests.test_app import APP, frames, scale_bars, texts
from ui.safe import md

SV_STATUS = {"✔ ja", "◐ delvis", "✘ nej", "? inget svar"}
FINNISH_PLAN = ["Toimenpiteiden määrä", "toimenpidettä ja niiden tila", "Rivit: yhteiset tavoitteet", "Vastuutahot",
                "Omassa yksikössään", "Lähde ja päivä", "Tila kunnittain", "Tietolähde", "Mittari", "**Vastuutaho:**",
                "**Tila:**", "**lähde:**", "Tilan historia", "Ei kirjattuja tiloja", "Ei mittaria suunnitelmassa",
                "Toimenpiteen tila vastuutahojen yli", "Toimenpiteet lasketaan toimenpiteinä", "kuntaa)",
                "/19 kuntaa", "✔ kyllä", "✘ ei", "? ei vastausta", "tehty)", "kompassikysely Q-",
                "muu seuranta", "Johdon taso / yhdyspinta"]
FINNISH_SURVEY = ["Kuntafoorumin vuosittainen", "Tällä sivulla ovat", "Kyselyvuosi", "Asteikkokysymysten erittely",
                  "Vastaajan rooli", "Ei ryhmittelyä", "Kuntia vastannut", "Hyvinvointialue vastannut",
                  "Kyllä/ei-kysymykset", "Yleiset kysymykset", "Hyvinvointialueen vastaus", "(edellinen ",
                  "kuntaa vs.", "En osaa sanoa", "Ei vastausta", "Kaikki vastaajat", "Avoimia vastauksia",
                  "Erittely kunnittain", "Taulukkona", "Lataa tämän sivun tulokset", "Alle 5 vastaajan",
                  "ryhmään ”muut”", "Vastaajat eri mieltä", "Keskiarvo", "Ryhmä"]


pytestmark = pytest.mark.usefixtures("swedish_by_test_name")


def run(page: str, opened: tuple[str, ...] = (), **params) -> AppTest:
    """The page through app.py, with the named expanders (opened_expander keys) open."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    for key in opened:
        at.session_state[key] = True
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    """Our texts on a page: headings, captions, markdown, widget labels and options, expanders, metrics, table
    headings and cells of our own columns, chart legends and group labels."""
    parts = [texts(at)] + [x.value for x in at.title] + [str(e.label) for e in at.expander]
    parts += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    for kind in ("selectbox", "radio"):
        for w in getattr(at, kind):
            parts.append(str(w.label))
            parts += [str(o) for o in w.options]
    parts += [str(c) for f in frames(at) for c in f.columns]
    parts += [str(c) for tb in at.table for c in list(tb.value.columns) + [tb.value.index.name]]
    for bars in scale_bars(at):
        parts += bars.legend + bars.groups + [tip for row in bars.segments for tip in row]
    return "\n".join(parts)


def question_ids(db, kind: str, respondent: str | None = None) -> list[str]:
    with connect_read(db) as con:
        sql = "SELECT question_id FROM survey_question WHERE type = ?" + (" AND respondent = ?" if respondent else "")
        return [r[0] for r in con.execute(sql + " ORDER BY sort", [kind] + ([respondent] if respondent else [])).fetchall()]


# ---------------------------------------------------------------- Tavoitteet ja toimenpiteet


def test_plan_page_in_swedish(demo_env, downloads):
    at = run("pages/tavoitteet.py", opened=("plan_status_C-2-1",), lang="sv", tavoite="2", taso="C")
    assert at.title[0].value == "Mål och åtgärder"
    subheaders = [h.value for h in at.subheader]
    assert subheaders[:2] == ["Antal åtgärder: mål × ledningens nivå och gränsytor", "Alla 42 åtgärder och deras status"]
    assert "Status per kommun: åtgärd × kommun" in subheaders
    captions = [c.value for c in at.caption]
    assert captions[0].endswith(": gemensamma mål × ledningens nivå och gränsytor.")
    assert any(c.startswith("Rader: gemensamma mål; kolumner: planens nivåer") for c in captions)
    assert f"{t('followup.status_rule')} {t('followup.plan_count_formula')}" in captions
    assert any(c.startswith("✔ ja (genomförd) · ◐ delvis · ✘ nej · ? inget svar") for c in captions)
    assert [s.label for s in at.selectbox] == ["Mål", "Ledningens nivå / gränsyta"]

    every = next(tb.value for tb in at.table if "Ansvariga" in tb.value.columns)
    assert len(every) == 42 and every.index.name == "Beteckning"
    assert list(every.columns) == ["Ledningens nivå / gränsyta", "Åtgärd", "Ansvariga", "Status", "I sin egen enhet",
                                   "Källa och datum", "Anmärkning"]
    assert set(every["Status"]) <= SV_STATUS
    units = [str(u) for u in every["I sin egen enhet"]]
    assert any("/19 kommuner" in u for u in units) and any(u.startswith(md("HVA: ")) for u in units)
    assert any(u.startswith(md("liitto: ")) for u in units)  # the party's name is the region folder's
    assert not any("kuntaa" in u or u.endswith(("kyllä", "ei vastausta")) for u in units)
    metric_tables = [tb.value for tb in at.table if "Datakälla" in tb.value.columns]
    assert metric_tables and all(list(tb.columns) == ["Mätare", "Typ", "Andra åtgärder", "Datakälla"]
                                 for tb in metric_tables)
    assert any("Yhteystiedot löytyvät" in str(v) for tb in metric_tables for v in tb["Mätare"])  # plan content
    assert any("kompassenkäten Q-C-2-1-M1" in str(v) for tb in metric_tables for v in tb["Datakälla"])
    assert {str(v) for tb in metric_tables for v in tb["Typ"]} <= {"ja/nej", "utveckling", "upplevelse",
                                                                   "annan uppföljning", "–"}
    history = [tb.value for tb in at.table if "Registrerad av" in tb.value.columns]
    assert history and list(history[0].columns) == ["Ansvarig", "Status", "Datum", "Anmärkning", "Ansvarsperson",
                                                    "Tidtabell", "Registrerad av"]
    assert any(str(e.label).startswith("Statushistorik (") for e in at.expander)
    assert any(str(e.label) == "Status per kommun" for e in at.expander)

    body = texts(at)
    assert "**Ansvarig:** " in body and " · **källa:** " in body and " · **ansvariga:** " in body
    assert " (/19 kommuner)" in body and "✔ ja: " in body and "? inget svar: " in body
    by_municipality = next(f for f in frames(at) if list(f.columns) == ["Kommun", "Status", "Källa", "Datum"])
    assert len(by_municipality) == 19 and set(by_municipality["Status"]) <= SV_STATUS
    assert set(by_municipality["Källa"]) <= {"enkät", "registrering", "–"}
    grid = next(f for f in frames(at) if "Kommun" in f.columns and "Status" not in f.columns)
    assert len(grid) == 19 and set(grid.drop(columns="Kommun").to_numpy().ravel()) <= SV_STATUS
    assert "Idensalmi" in set(grid["Kommun"])  # the municipality's Swedish name (the read cursor)

    headers = [d.splitlines()[0] for d in downloads]
    assert any(h.startswith("Kommun;") for h in headers)
    assert "action_id;mål;nivå;text_fi;responsible_fi" in headers
    everything = shown(at)
    for finnish in FINNISH_PLAN:
        assert finnish not in everything, finnish


def test_plan_page_hva_action_in_swedish(demo_env):
    from readmodel import page_data

    with in_language("sv"), connect_read(demo_env) as con:
        row = page_data.plan_actions(con).set_index("action_id").loc["J-2-1"]  # the HVA answers for it alone
    assert row["status"] in (YES, PARTLY, NO, NO_ANSWER)  # the code stays Finnish
    assert row["unit_text"].startswith("HVA: ") and row["source"].startswith("kompassenkäten ")
    at = run("pages/tavoitteet.py", lang="sv", tavoite="2", taso="J")
    assert f"({md(row['unit_text'])}) · **källa:** {md(row['source'])}" in texts(at)


# ---------------------------------------------------------------- Kompassikysely


def test_survey_page_in_swedish(demo_env, downloads):
    municipal = question_ids(demo_env, "yes_no", "municipality")
    scale = question_ids(demo_env, "scale_1_5")
    opened = tuple(f"survey_more_{q}" for q in municipal[:3]) + tuple(f"survey_table_{q}" for q in scale[:3])
    at = run("pages/kompassikysely.py", opened=opened, lang="sv", erittely="role")
    assert at.title[0].value == "Kompassenkät"
    captions = [c.value for c in at.caption]
    assert captions[0].startswith("Kommunforumets årliga kompassenkät: ")
    assert captions[1].startswith("På den här sidan visas enkätens svar som de är.")
    assert any(c.startswith("Ja/nej-frågorna räknas per kommun: ") and "färre än 5 svarande" in c for c in captions)
    assert any(c.startswith("Ja ") and " · Nej " in c and " · Vet inte " in c and " · Inget svar " in c
               for c in captions)
    assert any(c.startswith("Öppna svar: ") for c in captions)
    assert [s.label for s in at.selectbox] == ["Enkätår", "Uppdelning av skalfrågorna"]
    assert list(at.selectbox[1].options) == ["Svarandens roll", "Servicediskussionsområde", "Ingen gruppering"]
    metrics = {m.label: m.value for m in at.metric}
    assert {"Svarande", "Kommuner som svarat", "Välfärdsområdet har svarat"} <= set(metrics)
    assert metrics["Välfärdsområdet har svarat"] in ("ja", "nej")
    counted = [m for m in at.metric if m.label not in ("Svarande", "Kommuner som svarat", "Välfärdsområdet har svarat")]
    assert counted and all(str(m.value).endswith(" kommuner") for m in counted)
    assert any(" kommuner jfr " in str(m.proto.delta) for m in counted)
    headers = [h.value for h in at.header]
    assert "Allmänna frågor" in headers and sum(h.startswith("Mål ") for h in headers) == 4
    assert any(m.value.startswith("Välfärdsområdets svar: ") for m in at.markdown)
    assert "**Ladda ner resultaten på den här sidan**" in texts(at)

    per_municipality = [f for f in frames(at) if "Svar" in f.columns]
    assert per_municipality and list(per_municipality[0].columns) == ["Kommun", "Svar", "Svarande", "Svarandena oeniga"]
    assert set(per_municipality[0]["Svar"]) <= {"Ja", "Nej", "Vet inte", "Inget svar"}
    by_area = [f for f in frames(at) if "Servicediskussionsområde" in f.columns]
    assert by_area and list(by_area[0].columns) == ["Servicediskussionsområde", "Ja / kommuner", "Ja", "Nej",
                                                    "Vet inte", "Inget svar"]
    scale_tables = [f for f in frames(at) if "Grupp" in f.columns]
    assert scale_tables and list(scale_tables[0].columns)[-2:] == ["Vet inte %", "Medelvärde (1–5)"]
    assert scale_tables[0]["Grupp"].iloc[0] == "Alla svarande"
    bars = scale_bars(at)
    assert bars and bars[0].legend == ["1", "2", "3", "4", "5", "Vet inte"]
    groups = {g for b in bars for g in b.groups}
    assert any(g.startswith("Alla svarande (n=") for g in groups)
    assert any(g.startswith(("Välfärdsområdet (n=", "övriga (n=")) for g in groups)

    result = next(d for d in downloads if d.startswith("fråga;"))
    assert result.splitlines()[0] == "fråga;text;grupp;resultat;n;kategori;andel %"
    cells = [line.split(";") for line in result.splitlines()[1:]]
    assert {"ja", "nej"} & {c[3] for c in cells} and not {"kyllä", "eos"} & {c[3] for c in cells}
    assert "Vet inte" in {c[5] for c in cells} and "Alla svarande" in {c[2] for c in cells}
    everything = shown(at)
    for finnish in FINNISH_SURVEY:
        assert finnish not in everything, finnish


def test_survey_page_grouped_by_area_in_swedish(demo_env):
    at = run("pages/kompassikysely.py", lang="sv", erittely="area")
    groups = {g for b in scale_bars(at) for g in b.groups}
    assert any(g.startswith("Alla svarande (n=") for g in groups)
    assert "Inre Savolax" in {g.rsplit(" (n=", 1)[0] for g in groups}  # the area's Swedish name
    assert not any(g.startswith(("Kaikki vastaajat", "Hyvinvointialue (", "muut (", "ei aluetta")) for g in groups)


# ---------------------------------------------------------------- Finnish stays the default


def test_plan_and_survey_pages_finnish_by_default(demo_env):
    at = run("pages/tavoitteet.py", tavoite="2", taso="C")
    assert at.title[0].value == "Tavoitteet ja toimenpiteet"
    assert "Toimenpiteiden määrä: tavoite × johdon taso ja yhdyspinnat" in [h.value for h in at.subheader]
    every = next(tb.value for tb in at.table if "Vastuutahot" in tb.value.columns)
    assert "Omassa yksikössään" in every.columns and any("/19 kuntaa" in str(u) for u in every["Omassa yksikössään"])
    assert followup.STATUS_RULE in " ".join(c.value for c in at.caption)
    assert "Mål och åtgärder" not in shown(at)
    at = run("pages/kompassikysely.py")
    assert at.title[0].value == "Kompassikysely"
    assert {"Vastaajia", "Kuntia vastannut", "Hyvinvointialue vastannut"} <= {m.label for m in at.metric}
    assert [s.label for s in at.selectbox] == ["Kyselyvuosi", "Asteikkokysymysten erittely"]
    assert "Kompassenkät" not in shown(at)


# ---------------------------------------------------------------- the rules' texts, codes unchanged


def test_followup_texts_in_swedish_keep_the_codes():
    actions = pd.DataFrame({"action_id": ["X-1-1", "X-1-2", "X-1-3"], "goal_id": [1, 1, 1], "level_id": ["X"] * 3})
    owners = pd.DataFrame({"action_id": ["X-1-1", "X-1-1", "X-1-2", "X-1-3"], "party_id": ["hva", "kunnat", "liitto", "mal"],
                           "seq": [1, 2, 1, 1]})
    parties = pd.DataFrame({"party_id": ["kunnat", "hva", "liitto", "mal"],
                            "kind": ["municipalities", "hva", "liitto", "municipalities"],
                            "short_fi": ["kunnat", "HVA", "liitto", "MAL-kunnat"], "members": ["*", None, None, "001"]})
    keys = followup.owner_keys(actions, owners, parties, ["001", "002", "003"], "H", "L")
    status = pd.DataFrame({"action_id": ["X-1-1", "X-1-1", "X-1-1"], "municipality_code": ["H", "001", "002"],
                           "status": [YES, YES, NO], "date": pd.to_datetime(["2025-01-02"] * 3),
                           "source": ["kirjaus", "kysely", "kysely"]})
    matrix = followup.owner_matrix(status, keys)
    with in_language("sv"):
        rows = followup.action_rows(matrix, actions).set_index("action_id")
        assert rows.loc["X-1-1", "unit_text"] == "HVA: ja · 1/3 kommuner"
        assert rows.loc["X-1-1", "source"] == "registrering + kompassenkäten 2.1.2025"
        assert rows.loc["X-1-1", "owners"] == "HVA · kommunerna"
        assert rows.loc["X-1-2", "unit_text"] == "liitto: inget svar" and rows.loc["X-1-2", "source"] == "inget svar"
        assert rows.loc["X-1-3", "unit_text"] == "0/1 kommuner (MAL-kunnat)"
        assert followup.count_text(3, 42, 1, 2, 36) == "3/42 åtgärder genomförda (ja) · 1 delvis · 2 nej · 36 inget svar"
        assert followup.status_rule().startswith("Åtgärdens status över de ansvariga: alla ja → ja;")
        assert followup.plan_count_formula().startswith("Åtgärderna räknas som åtgärder:")
    assert set(rows["status"]) <= {YES, PARTLY, NO, NO_ANSWER}  # codes, not words
    assert rows.loc["X-1-1", "status"] == PARTLY and rows.loc["X-1-2", "status"] == NO_ANSWER
    # Finnish as before, and the constants stay the Finnish texts whatever the language
    with in_language("fi"):
        fi_rows = followup.action_rows(matrix, actions).set_index("action_id")
        assert fi_rows.loc["X-1-1", "unit_text"] == "HVA: kyllä · 1/3 kuntaa"
        assert followup.count_text(3, 42, 1, 2, 36) == ("3/42 toimenpidettä tehty (kyllä) · 1 osittain · 2 ei · "
                                                        "36 ei vastausta")
    with in_language("sv"):
        assert followup.STATUS_RULE.startswith("Toimenpiteen tila vastuutahojen yli")
        assert goals.COMPLETION_FORMULA.startswith("Valmiusaste = ")


def test_goal_completion_texts_in_swedish():
    matrix = pd.DataFrame({"action_id": ["A", "A", "B", "B"], "municipality_code": ["1", "2", "1", "2"],
                           "status": [YES, NO, YES, NO_ANSWER]})
    actions = pd.DataFrame({"action_id": ["A", "B"], "goal_id": [1, 1], "level_id": ["X", "X"]})
    with in_language("sv"):
        done = goals.region_completion(matrix, actions, {"A", "B"}, ["1", "2"])
        assert done["completion_text"].tolist() == ["2/4 genomförda"]
        assert done["formula"].iloc[0].startswith("Genomförandegrad = antalet ja-svar")
        assert goals.goal_level_municipalities(matrix, actions, {"A", "B"})["text"].tolist() == ["1/2 kommuner"]
    with in_language("fi"):
        assert goals.region_completion(matrix, actions, {"A", "B"}, ["1", "2"])["completion_text"].tolist() == ["2/4 tehty"]


def _scale_answers(groups: dict[str, int], hva: int = 0) -> pd.DataFrame:
    rows = []
    for role, n in list(groups.items()) + [("hva", hva)]:
        for i in range(n):
            rows.append({"year": 2024, "municipality_code": "13" if role == "hva" else "297", "respondent_role": role,
                         "submitted_at": None, "row_number": len(rows), "load_id": 1, "question_id": "Q-SC",
                         "answer": str(i % 6), "is_demo": False})
    return pd.DataFrame(rows)


def test_survey_results_in_swedish_keep_the_codes():
    answers = _scale_answers({"Kunnanjohtaja": 12, "Hyte": 7, "": 2}, hva=1)
    with in_language("sv"):
        table, notes = sr.scale_distribution(answers, "Q-SC", 2024, by="role", hva_code="13", min_group=5)
        assert dict(zip(table["group"], table["n"])) == {"Alla svarande": 22, "Kunnanjohtaja": 12, "övriga": 10}
        assert notes == ["Grupper med färre än 5 svarande har slagits ihop till gruppen ”övriga”: "
                         "Hyte, Välfärdsområdet, rollen okänd."]
        assert set(sr.scale_long(table)["category"]) == {"1", "2", "3", "4", "5", "Vet inte"}
        _, tiny = sr.scale_distribution(answers.head(3), "Q-SC", 2024, min_group=5)
        assert tiny == ["Färre än 5 svarande; resultatet visas inte för att skydda de svarande."]
        assert sr.open_answers(pd.DataFrame({"question_id": ["Q"], "answer": ["x"]}), "Q", 5) == (
            [], "Öppna svar: 1 st.: grupper med färre än 5 svarande visas inte för att skydda de svarande.")
        assert sr.yes_label({"kyllä": 12}, 19) == "12/19 kommuner"
        assert [sr.yes_no_label(c) for c in sr.YES_NO_CATEGORIES] == ["Ja", "Nej", "Vet inte", "Inget svar"]
    with in_language("fi"):
        table, notes = sr.scale_distribution(answers, "Q-SC", 2024, by="role", hva_code="13", min_group=5)
    assert dict(zip(table["group"], table["n"])) == {sr.TOTAL: 22, "Kunnanjohtaja": 12, sr.OTHERS: 10}
    assert sr.TOTAL == "Kaikki vastaajat" and sr.OTHERS == "muut" and sr.YES_NO_LABELS["eos"] == "En osaa sanoa"
    assert notes[0].startswith("Alle 5 vastaajan ryhmät on yhdistetty ryhmään ”muut”: ")


def test_snapshot_changes_headings_in_swedish(fresh_db):
    from data_sources.__main__ import main as cli
    from readmodel import view_data
    from readmodel.snapshots import HVA_KEY

    assert cli(["snapshot", "save", "--name", "gammal", "--year", "2022", "--db", str(fresh_db)]) == 0
    with connect_read(fresh_db) as con:
        sid = con.execute("SELECT snapshot_id FROM snapshot WHERE name = 'gammal'").fetchone()[0]
        with in_language("sv"):
            changes = view_data.snapshot_diff(con, sid, HVA_KEY)
        with in_language("fi"):
            finnish = view_data.snapshot_diff(con, sid, HVA_KEY)
    assert list(changes["new_years"].columns) == ["Indikator", "Före", "Nu"]
    assert list(finnish["new_years"].columns) == ["Indikaattori", "Ennen", "Nyt"]
    if len(changes["trend_changes"]):
        assert not {"paranee", "heikkenee", "ennallaan"} & set(changes["trend_changes"]["Nu"])
    if len(changes["actions_completed"]):
        assert list(changes["actions_completed"].columns) == ["Åtgärd", "Kommun"]

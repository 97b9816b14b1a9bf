"""The whole plan followed up (issue 12), checked against the seed (000_7dadfdac62c10373.txt).

The seed's six "Toimenpiteet 2023-2025" tables (johdon taso, then yhdyspinnat a-e) have one row per goal:
actions, vastuutaho and metrics, each cell one paragraph per item (<p>) or plain text. From them:
- every action has at least one metric where its row gives one (a cell shared by several actions counts
  for each of them), and every metric of an action comes from that action's row;
- every action has an owner, and the owners are the parties its vastuutaho names (or, where the text
  names a body instead of a party, the party INFERRED says, with the reason);
- every survey question is asked of its action's owners only.
"""
from __future__ import annotations

import csv
import html
import re
import tomllib
from pathlib import Path

import pytest

from data_sources.reference import RESPONDENT_KINDS

DATA = Path(__file__).resolve().parents[1] / "data/regions/pohjois-savo"
SEED = Path(__file__).resolve().parents[2] / "shared/seeds/000_7dadfdac62c10373.txt"
LEVELS = ["J", "A", "B", "C", "D", "E"]

# Owner kinds the vastuutaho text does not name in so many words, and why they are the owners.
INFERRED = {
    ("A-2-2", "hva"): "RRP Arjen ilo ja tuki -projekti on hyvinvointialueen hanke",
    ("A-3-1", "municipalities"): "sopimusosapuolten HR:t = kuntien ja hyvinvointialueen HR",
    ("B-2-1", "hva"): "perhekeskuksen alue-esihenkilö on hyvinvointialueen",
    ("B-2-2", "hva"): "perhekeskusverkostot ovat hyvinvointialueen",
    ("B-2-2", "municipalities"): "kohtaamispaikkaverkostojen omistajuus on kunnalla (suunnitelman b-osa)",
    ("B-2-3", "hva"): "alueellinen opiskeluhuollon yhteistyöryhmä on hyvinvointialueen lakisääteinen ryhmä",
    ("B-2-3", "municipalities"): "ryhmässä ovat kunnat opetuksen järjestäjinä (suunnitelman b-osa)",
    ("B-4-1", "hva"): "lasten, nuorten ja perheiden palvelut ovat hyvinvointialueen palvelualue",
    ("C-2-1", "municipalities"): "työllisyysalueet ovat kuntien (TE2025)",
    ("C-3-1", "municipalities"): "työllisyysalueet ovat kuntien (TE2025)",
    ("C-4-1", "municipalities"): "työllisyysalueet ovat kuntien (TE2025)",
    ("C-2-4", "municipalities"): "Ohjaamot ovat kuntien",
    ("D-2-1", "hva"): "toimenpide on hyvinvointialueen organisoituminen; ELY ei ole suunnitelman osapuoli",
    ("D-3-1", "municipalities"): "johdon tasolla linjattava yhteistyö: toimenpide nimeää kunnat",
}
ALL_PARTIES = re.compile(r"\b(Kaikki toimijat|Kukin toimija)\b")
MUNICIPAL = re.compile(r"\b(Kunta|Kunnat|kunnat|Kuntien|kuntien|kunnissa|kunnista)\b")
HVA = re.compile(r"\bP?S?HVA|[Hh]yvinvointialue|\bHyte-? ja osallisuus|Perhe- ja vammaispalvelut")


def _read(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _norm(text):
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def _paragraphs(cell):
    found = re.findall(r"<p>(.*?)</p>", cell)
    return [_norm(p) for p in found] if found else [_norm(cell)]


@pytest.fixture(scope="module")
def seed_rows():
    """(level, goal) -> {"actions": [...], "responsible": [...], "metrics": [...]} paragraphs of the seed."""
    if not SEED.exists():
        pytest.skip(f"seed not available: {SEED}")
    lines = SEED.read_text(encoding="utf-8").split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip() == "Toimenpiteet 2023-2025"]
    assert len(starts) == len(LEVELS)
    rows = {}
    for level, start in zip(LEVELS, starts):
        i = start + 3  # blank line, header
        for goal in (1, 2, 3, 4):
            cells = lines[i].split("\t")
            assert len(cells) == 4, (level, goal, lines[i][:80])
            rows[(level, goal)] = {"actions": _paragraphs(cells[1]), "responsible": _paragraphs(cells[2]),
                                   "metrics": _paragraphs(cells[3])}
            i += 1
    return rows


@pytest.fixture(scope="module")
def catalogue():
    actions = {a["action_id"]: a for a in _read("actions.csv")}
    metrics = _read("metrics.csv")
    metrics_of = {a: [] for a in actions}
    for m in metrics:
        for a in m["action_id"].split(";"):
            metrics_of[a].append(m)
    parties = {p["party_id"]: p for p in _read("parties.csv")}
    return actions, metrics, metrics_of, parties


def _row_of(action):
    return action["level_id"], int(action["goal_id"])


def test_every_action_has_a_metric_where_the_seed_gives_one(seed_rows, catalogue):
    actions, _, metrics_of, _ = catalogue
    missing = [a for a, action in actions.items()
               if seed_rows[_row_of(action)]["metrics"] != ["-"] and not metrics_of[a]]
    assert not missing, f"toimenpiteet ilman mittaria, vaikka suunnitelma antaa sellaisen: {missing}"
    assert {a for a, action in actions.items() if not metrics_of[a]} == {"B-3-1"}  # its cell is "-"


def test_a_metric_cell_shared_by_several_actions_belongs_to_each(seed_rows, catalogue):
    actions, metrics, _, _ = catalogue
    shared = 0
    for cell, row in seed_rows.items():
        if len(row["actions"]) > 1 and len(row["metrics"]) == 1 and row["metrics"] != ["-"]:
            mine = sorted(a for a, action in actions.items() if _row_of(action) == cell)
            holders = [m for m in metrics if _norm(m["text_fi"]) in row["metrics"][0]]
            assert holders, cell
            for m in holders:
                assert sorted(m["action_id"].split(";")) == mine, (cell, m["metric_id"])
            shared += 1
    assert shared >= 1  # section b, goal 1: one metric for three actions
    b1 = next(m for m in metrics if m["metric_id"] == "B-1-1-M1")
    assert b1["action_id"].split(";") == ["B-1-1", "B-1-2", "B-1-3"]


def test_every_metric_of_an_action_comes_from_its_row(seed_rows, catalogue):
    actions, metrics, _, _ = catalogue
    wrong = [(m["metric_id"], a) for m in metrics for a in m["action_id"].split(";")
             if _norm(m["text_fi"]) not in " ".join(seed_rows[_row_of(actions[a])]["metrics"])]
    assert not wrong
    # "(Vaikuttavien menetelmien kysely, Teaviisari)" is about A-1-2's effective methods
    teaviisari = next(m for m in metrics if "Teaviisari" in m["text_fi"])
    assert "A-1-2" in teaviisari["action_id"].split(";")


def test_every_action_has_owners_named_by_its_vastuutaho(seed_rows, catalogue):
    actions, _, _, parties = catalogue
    liitto_name = tomllib.loads((DATA / "region.toml").read_text(encoding="utf-8"))["maakunta"]["name_fi"]
    problems = []
    for a, action in actions.items():
        owners = [o for o in action["owners"].split(";") if o]
        assert owners, a
        assert all(o in parties for o in owners), (a, owners)
        kinds = {parties[o]["kind"] for o in owners}
        text = action["responsible_fi"]
        assert _norm(text) in " ".join(seed_rows[_row_of(action)]["responsible"]), a
        named = set()
        if ALL_PARTIES.search(text):
            named = {"municipalities", "hva", "liitto"}
        if MUNICIPAL.search(text):
            named.add("municipalities")
        if HVA.search(text):
            named.add("hva")
        if "liitto" in text:
            named.add("liitto")
        for kind in named - kinds:
            problems.append(f"{a}: vastuutaho nimeää osapuolen {kind}, mutta se ei ole vastuutaho")
        for kind in kinds - named:
            if (a, kind) not in INFERRED:
                problems.append(f"{a}: vastuutaho {kind} ei näy tekstissä eikä perustetta ole")
        if "MAL" in text:
            assert [parties[o]["name_fi"] for o in owners] == [text.split(".")[0]], a
    assert not problems, problems
    liitto = [p for p in parties.values() if p["kind"] == "liitto"]
    assert len(liitto) == 1 and liitto[0]["name_fi"].startswith(liitto_name[:-1])  # "…-Savon liitto"
    liitto_texts = [a["responsible_fi"] for a in actions.values() if "liitto" in a["responsible_fi"]]
    assert all(liitto[0]["name_fi"] in t or "maakunnan liitto" in t for t in liitto_texts)
    assert set(INFERRED) <= {(a, k) for a, action in actions.items()
                             for k in {parties[o]["kind"] for o in action["owners"].split(";")}}


def test_every_survey_question_is_asked_of_its_actions_owners_only(catalogue):
    actions, metrics, _, parties = catalogue
    action_ids = {m["metric_id"]: m["action_id"].split(";") for m in metrics}
    for q in _read("survey_questions.csv"):
        if not q["metric_id"]:
            continue  # general questions of the survey itself
        kinds = {parties[o]["kind"] for a in action_ids[q["metric_id"]] for o in actions[a]["owners"].split(";")}
        asked = RESPONDENT_KINDS[q["respondent"]]
        assert asked <= kinds, (q["question_id"], q["respondent"], kinds)
    asked_ids = {q["question_id"] for q in _read("survey_questions.csv")}
    # the survey does not ask whether the survey was done; the liitto's actions are recorded, not asked
    assert not {"Q-J-4-1-M2", "Q-E-4-1-M1", "Q-D-4-1-M1"} & asked_ids


def test_owner_of_a_municipal_subset_counts_its_members_only(demo_db):
    from readmodel import page_data
    from store.warehouse import connect_read

    with connect_read(demo_db) as con:
        keys = page_data.owner_keys(con)
        parties = page_data.plan(con)["parties"].set_index("party_id")
        rows = page_data.plan_actions(con).set_index("action_id")
    mal = keys[keys["action_id"] == "J-1-1"]
    assert sorted(mal["municipality_code"]) == sorted(parties.loc["mal", "members"].split(";"))
    assert rows.loc["J-1-1", "unit_text"].endswith(f"/{len(mal)} kuntaa (MAL-kunnat)")
    assert len(rows) == 42 and (rows["owners"] != "").all()


def test_a_question_of_some_municipalities_is_asked_and_counted_over_those_only(demo_db):
    from readmodel import survey
    from store.warehouse import connect_read

    with connect_read(demo_db) as con:
        asked = survey.asked_municipalities(con)
        year = max(survey.survey_years(con))
        page = survey.survey_page(con, year)
        answered = {r[0] for r in con.execute(
            "SELECT DISTINCT municipality_code FROM survey_answers WHERE question_id = 'Q-J-1-1-M1' AND answer IS NOT NULL"
        ).fetchall()}
        unit = page_data_unit(con, "J-1-1")
    mal = asked["Q-J-1-1-M1"]
    assert set(asked) == {"Q-J-1-1-M1"}  # every other municipal question goes to every municipality
    assert answered <= mal  # the demo survey asks the MAL municipalities only
    result = page["results"]["Q-J-1-1-M1"]
    assert result["summary"]["label"].endswith(f"/{len(mal)} kuntaa") and len(result["per_municipality"]) == len(mal)
    assert unit.endswith(f"/{len(mal)} kuntaa (MAL-kunnat)")


def page_data_unit(con, action_id):
    from readmodel import page_data

    return page_data.plan_actions(con).set_index("action_id").loc[action_id, "unit_text"]

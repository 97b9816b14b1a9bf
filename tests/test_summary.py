"""The Finnish summary: template sentences traceable to the numbers of the same page."""
from __future__ import annotations

import pandas as pd

from metrics.summary import summarise_region


def table():
    return pd.DataFrame({
        "indicator_id": [1, 2, 3, 4],
        "title_fi": ["Työttömät", "Yksinäiset", "Kiusatut", "Väestö"],
        "unit": ["%", "%", "%", "henkilöä"], "decimals": [1, 1, 1, 0],
        "year": [2024] * 4, "value": [8.0, 12.0, 6.0, 1900.0],
        "window_start_year": [2020] * 4, "window_start_value": [10.0, 11.0, 8.0, 2000.0],
        "change_window": [-2.0, 1.0, -2.0, -100.0], "relative_slope_pct": [-5.0, 2.2, -6.3, -1.3],
        "residual_spread": [0.1, 0.2, 1.0, 5.0], "flat_threshold": [0.1, 0.1, 0.1, 1.0],
        "trend_class": ["paranee", "heikkenee", "paranee", "laskee"],
        "vs_hva": ["parempi", "heikompi", "samaa tasoa", "ei vertailua"],
        "vs_country": ["parempi", "parempi", "parempi", "ei vertailua"],
        "is_demo": [False] * 4,
    })


STATUS = pd.DataFrame({"goal_id": [1, 2], "done": [3, 1], "total": [5, 4], "partly": [1, 0], "no": [1, 1],
                       "no_answer": [0, 2]})


def test_improvements_in_order_of_clarity_with_numbers_and_ids():
    items = summarise_region(table(), STATUS, "Testilä")
    better = [i for i in items if i["kind"] == "paranee"]
    # clarity = |change| / max(spread, threshold): 1 -> 2/0.1 = 20, 3 -> 2/1 = 2.
    assert [i["indicator_id"] for i in better] == [1, 3]
    assert "Työttömät" in better[0]["text"] and "10,0 (2020)" in better[0]["text"] and "8,0 (2024)" in better[0]["text"]
    assert better[0]["values"]["value"] == 8.0


def test_worsening_and_none_worsening():
    items = summarise_region(table(), STATUS, "Testilä")
    assert [i["indicator_id"] for i in items if i["kind"] == "heikkenee"] == [2]
    t = table().assign(trend_class=["paranee", "ei erotu", "paranee", "laskee"])
    worse = [i for i in summarise_region(t, STATUS, "Testilä") if i["kind"] == "heikkenee"]
    assert len(worse) == 1 and worse[0]["indicator_id"] is None
    assert "yksikään" in worse[0]["text"] and worse[0]["indicator_ids"] == [2]


def test_comparison_counts_exclude_amounts():
    items = [i for i in summarise_region(table(), STATUS, "Testilä") if i["kind"] == "vertailu"]
    hva = next(i for i in items if i["values"]["reference"] == "vs_hva")
    assert (hva["values"]["parempi"], hva["values"]["samaa tasoa"], hva["values"]["heikompi"]) == (1, 1, 1)
    assert 4 not in hva["indicator_ids"] and "3 vertailukelpoisesta mittarista" in hva["text"]


def test_actions_done_and_open():
    item = next(i for i in summarise_region(table(), STATUS, "Testilä") if i["kind"] == "toimenpiteet")
    assert item["values"] == {"done": 4, "total": 9, "open": 5, "partly": 1, "no": 2, "no_answer": 2}
    assert "4/9" in item["text"] and "5 avoinna" in item["text"]


def test_demo_note_only_for_demo_data():
    assert not [i for i in summarise_region(table(), STATUS, "T") if i["kind"] == "huomio"]
    assert [i for i in summarise_region(table().assign(is_demo=True), STATUS, "T") if i["kind"] == "huomio"]


def test_page_summary_matches_page_table(demo_db):
    from store.warehouse import connect_read
    from readmodel import page_data

    con = connect_read(demo_db)
    items = page_data.region_summary(con, "KUNTA", "921")
    tbl = page_data.region_indicator_table(con, "KUNTA", "921").set_index("indicator_id")
    assert items and all({"text", "kind", "indicator_id"} <= set(i) for i in items)
    for item in items:
        if item["kind"] in ("paranee", "heikkenee") and item["indicator_id"] is not None:
            assert tbl.loc[item["indicator_id"], "trend_class"] == item["kind"]
    acts = next(i for i in items if i["kind"] == "toimenpiteet")
    status = page_data.goal_status(con, "KUNTA", "921")
    assert acts["values"]["done"] == status["done"].sum() and acts["values"]["total"] == status["total"].sum()


def test_clearest_changes_rank_by_change_in_units_of_noise():
    from metrics.summary import clearest_changes

    table = pd.DataFrame({
        "indicator_id": [1, 2, 3, 4],
        "trend_class": ["paranee", "paranee", "heikkenee", "paranee"],
        "change_window": [-2.0, -5.0, 3.0, None],
        "residual_spread": [0.1, 5.0, 0.1, 0.1],  # 2 is a big change but noisy: 1 noise unit; 1 is 20 units
        "flat_threshold": [0.1, 0.1, 0.1, 0.1],
    })
    assert list(clearest_changes(table, "paranee", 2)["indicator_id"]) == [1, 2]
    assert list(clearest_changes(table, None, 3)["indicator_id"]) == [3, 1, 2]
    assert clearest_changes(table, "kasvaa").empty

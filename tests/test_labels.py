"""Labels a reader sees once and readable: no doubled unit, no two indicators merged under one cut label."""
from __future__ import annotations

from common.format import with_unit
from ui.charts import comparison_heatmap, short_labels


def test_a_title_that_carries_its_unit_gets_it_once():
    assert with_unit("Itsensä yksinäiseksi tuntevien osuus (%)", "%") == "Itsensä yksinäiseksi tuntevien osuus (%)"
    assert with_unit("Toimeentulotuki, euroa / asukas", "euroa / asukas") == "Toimeentulotuki, euroa / asukas"
    assert with_unit("Työttömät", "%") == "Työttömät (%)"
    assert with_unit("Väestö 31.12.", None) == "Väestö 31.12."


def test_cut_labels_stay_unique_and_short_ones_whole():
    titles = ["Poliisin tietoon tulleet henkeen ja terveyteen kohdistuneet rikokset",
              "Poliisin tietoon tulleet huumausainerikokset", "Lyhyt"]
    cut = short_labels(titles, 28)
    assert len(set(cut)) == 3 and cut[2] == "Lyhyt" and all(len(c) <= 28 for c in cut)
    # labels that differ only at their end are cut longer (here: left whole) rather than merged
    assert short_labels(["sama alku ja eri loppu A", "sama alku ja eri loppu B"], 10) == \
        ["sama alku ja eri loppu A", "sama alku ja eri loppu B"]


def test_the_heatmap_draws_one_column_per_indicator():
    import pandas as pd

    titles = ["Poliisin tietoon tulleet henkeen ja terveyteen kohdistuneet rikokset",
              "Poliisin tietoon tulleet huumausainerikokset"]
    cells = pd.DataFrame([(m, t, c, "vihje") for m in ("Kuopio", "Tervo") for t, c in zip(titles, ("parempi", "heikompi"))],
                         columns=["name_fi", "title_fi", "comparison", "vihje"])
    fig = comparison_heatmap(cells, "name_fi", "title_fi", "comparison", "vihje", "otsikko",
                             {"parempi": "▲", "heikompi": "▼"})
    assert len(set(fig.data[0].x)) == 2

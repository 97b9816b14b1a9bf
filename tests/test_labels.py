"""Labels a reader sees once and readable: no doubled unit, no two indicators merged under one cut label."""
from __future__ import annotations

import re

from common.format import with_unit
from ui.heat_table import heat_table_html


def test_a_title_that_carries_its_unit_gets_it_once():
    assert with_unit("Itsensä yksinäiseksi tuntevien osuus (%)", "%") == "Itsensä yksinäiseksi tuntevien osuus (%)"
    assert with_unit("Toimeentulotuki, euroa / asukas", "euroa / asukas") == "Toimeentulotuki, euroa / asukas"
    assert with_unit("Työttömät", "%") == "Työttömät (%)"
    assert with_unit("Väestö 31.12.", None) == "Väestö 31.12."


def test_the_heat_table_draws_one_whole_column_per_indicator():
    """Two indicators whose titles begin alike once merged into one cut column label (issue 16): the table
    heads each column with the whole title, and each cell shows its symbol, value and category in words."""
    import pandas as pd

    titles = ["Poliisin tietoon tulleet henkeen ja terveyteen kohdistuneet rikokset",
              "Poliisin tietoon tulleet huumausainerikokset"]
    cells = pd.DataFrame([(m, t, c, 12.25, 1, "vihje <b>")
                          for m in ("Tervo", "Kuopio") for t, c in zip(titles, ("parempi", "heikompi"))],
                         columns=["name_fi", "title_fi", "comparison", "value", "decimals", "vihje"])
    html = heat_table_html(cells, "name_fi", "title_fi", "comparison", "vihje", "otsikko",
                           {"parempi": "▲", "heikompi": "▼"}, "Kunta")
    heads = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert heads == ["Kunta", *titles]
    assert re.findall(r'<th scope="row">([^<]*)</th>', html) == ["Kuopio", "Tervo"]
    assert html.count("▲ </span>12,2") + html.count("▲ </span>12,3") == 2 and html.count("▼ </span>") == 2
    assert "parempi" in html and "heikompi" in html  # the category in words, not only its colour
    assert 'title="vihje &lt;b&gt;"' in html and "<b>" not in html

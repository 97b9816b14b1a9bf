"""The figures and tables drawn as HTML instead of Plotly figures and data grids (issue 17): what a reader
gets from them in text (values, order, the highlighted place, reference lines named with their values), that
colour is never alone, and that every data text is escaped (stored text stays text)."""
from __future__ import annotations

import base64
import re
from html import unescape

import pandas as pd

from ui.html_table import is_number_column, table_html
from ui.ranking_bars import ranking_html
from ui.tile_map import cividis, ink, tile_map_html, tile_map_svg

HOSTILE = '<img src=x onerror=alert(1)> [linkki](https://example.org) **lihava**'


def _rows(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", li)) for li in re.findall(r"<li title=[^>]*>(.*?)</li>", html)]


def test_ranking_lists_largest_first_with_values_and_the_highlight_marked():
    frame = pd.DataFrame({"name": ["Tervo", "Kuopio", "Kaavi", "Vesanto"], "value": [8.24, 6.7, 11.8, None]})
    html = ranking_html(frame, "value", "name", "Työttömät (%), 2024", "%", 1,
                        {"Pohjois-Savon HVA": 8.5, "Koko maa": 9.5, "ei arvoa": None}, "Kuopio")
    assert _rows(html) == ["Kaavi11,8 %", "Tervo8,2 %", "◆ Kuopio6,7 %", "Vesanto–"]  # name, then value
    assert 'title="Kuopio: 6,7' in html and 'title="Vesanto: –"' in html  # no value: last, said as "–"
    assert html.count('class="tk-rank-name tk-rank-own"') == 1  # bold, and marked ◆: not colour alone
    # each reference line: its own line style, named with its value in the legend; a missing one is left out
    legend = re.search(r'<ul class="tk-rank-legend">(.*?)</ul>', html).group(1)
    assert "Pohjois-Savon HVA 8,5" in unescape(legend) and "Koko maa 9,5" in unescape(legend)
    assert "ei arvoa" not in html
    assert "border-left-style:dashed" in legend and "border-left-style:dotted" in legend
    assert html.count('class="tk-rank-ref"') == 2 * 4  # both lines across every row
    assert html.count('class="tk-rank-bar"') == 3


def test_ranking_bars_start_at_zero_or_span_negative_values():
    positive = ranking_html(pd.DataFrame({"n": ["a", "b"], "v": [5.0, 10.0]}), "v", "n", "t", "", 0, {})
    widths = [float(w) for w in re.findall(r"tk-rank-bar\" style=\"left:[\d.]+%;width:([\d.]+)%", positive)]
    assert widths == [100.0, 50.0]
    mixed = ranking_html(pd.DataFrame({"n": ["a", "b"], "v": [-5.0, 15.0]}), "v", "n", "t", "", 0, {})
    lefts = [float(x) for x in re.findall(r'tk-rank-bar" style="left:([\d.]+)%', mixed)]
    assert lefts == [25.0, 0.0]  # 15 from zero (at 25 %), −5 from 0 % up to zero


def test_ranking_escapes_every_data_text():
    frame = pd.DataFrame({"name": [HOSTILE], "value": [1.0]})
    html = ranking_html(frame, "value", "name", HOSTILE, "<b>%</b>", 1, {HOSTILE: 0.5}, HOSTILE)
    assert "<img" not in html and "<b>" not in html and "&lt;img" in html


def test_tile_map_states_every_value_in_text_and_names_the_extremes():
    tiles = pd.DataFrame({"row": [0, 0, 1], "col": [0, 1, 0], "name": ["Kuopio", "Tervo", "Kaavi"],
                          "value": [6.7, 8.24, None]})
    svg = tile_map_svg(tiles, "value", "name", "%", 1)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    # each square its name and value (no value: "–"), then the colour legend's two ends
    assert texts == ["Kuopio", "6,7", "Tervo", "8,2", "Kaavi", "–", "6,7 %", "8,2 %"]
    html = tile_map_html(tiles, "value", "name", "Ruutukartta: Työttömät", "%", 1)
    alt = unescape(re.search(r'alt="([^"]*)"', html).group(1))
    assert alt.startswith("Ruutukartta: Työttömät. Kuopio 6,7") and "Tervo 8," in alt
    data = base64.b64decode(re.search(r"base64,([^\"]+)", html).group(1)).decode()
    assert data == svg


def test_tile_map_text_keeps_contrast_and_escapes():
    assert cividis(0.0) == "#00224e" and cividis(1.0) == "#fee838"
    assert ink(0.0) == "#FFFFFF" and ink(1.0) == "#000000"
    tiles = pd.DataFrame({"row": [0], "col": [0], "name": [HOSTILE], "value": [1.0]})
    svg = tile_map_svg(tiles, "value", "name", "<i>", 0)
    assert "<img" not in svg and "<i>" not in svg


def test_table_escapes_cells_and_headings_and_aligns_numbers():
    frame = pd.DataFrame({HOSTILE: ["Kuopio", HOSTILE], "Arvo (%)": ["1 234,5", "–"], "Muutos": ["+0,3", "−2,0 %"],
                          "Tila": ["▲ parempi", "kyllä"]})
    html = table_html(frame, "Otsikko <b>")
    assert "<img" not in html and "<b>" not in html and "[linkki](https://example.org)" in unescape(html)
    assert 'role="region" tabindex="0" aria-label="Otsikko &lt;b&gt;"' in html  # a scrolling frame, by keyboard
    heads = re.findall(r'<th scope="col"( class="tk-num")?>', html)
    assert heads == ["", ' class="tk-num"', ' class="tk-num"', ""]
    assert html.count('<th scope="row">') == 2


def test_number_columns_are_told_from_text():
    assert is_number_column(["1 234,5", "–", "−2", "+0,3 %", "12 %"])
    assert not is_number_column(["2024–2025", "1,2"]) and not is_number_column(["–"])
    assert not is_number_column(["3/4 kuntaa"])


def test_link_cells_link_only_to_the_allowed_site_and_long_tables_scroll_inside():
    frame = pd.DataFrame({"Id": ["1", "2", "3", "4"],
                          "Metatiedot": ["https://sotkanet.fi/sotkanet/fi/metadata/indicators/1?a=1&b=<x>",
                                         "javascript:alert(1)", "https://evil.example/sotkanet.fi", None]})
    html = table_html(frame, "Indikaattorit", links={"Metatiedot": "https://sotkanet.fi/"}, max_height="32rem")
    links = re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)
    assert links == [("https://sotkanet.fi/sotkanet/fi/metadata/indicators/1?a=1&amp;b=&lt;x&gt;", "sotkanet.fi")]
    assert "javascript" not in html and "evil.example" not in html and html.count("<td>–</td>") == 3
    assert 'class="tk-table-wrap tk-tall" style="max-height: 32rem"' in html  # its heading row sticks (CSS)
    assert "tk-tall" not in table_html(frame, "Indikaattorit")

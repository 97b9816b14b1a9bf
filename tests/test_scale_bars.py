"""Kompassikysely's scale bars (ui/scale_bars.py): the numbers and labels a Plotly figure showed, as escaped HTML,
readable without colour and with text of at least 4.5:1 on every segment."""
from __future__ import annotations

import re

import pandas as pd

from metrics.survey_results import SCALE_CATEGORIES
from tests.test_app import _ScaleBars
from ui.scale_bars import SCALE_COLOURS, TEXT_COLOURS, scale_bars_html

LABELS = {"0": "En osaa sanoa"}


def label(category: str) -> str:
    return LABELS.get(category, category)


def parsed(body: str) -> _ScaleBars:
    parser = _ScaleBars()
    parser.feed(body)
    return parser


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_every_segment_text_has_at_least_4_5_to_1_contrast():
    for category in SCALE_CATEGORIES:
        lighter, darker = sorted((_luminance(SCALE_COLOURS[category]), _luminance(TEXT_COLOURS[category])), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, category


def table(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"group": g, "n": n, **dict(zip(SCALE_CATEGORIES, shares))} for g, n, shares in rows])


def test_groups_segments_and_legend_in_order_with_numbers_for_every_segment():
    body = scale_bars_html(table(("Kaikki vastaajat", 20, (10, 20, 30, 35, 5, 0)), ("Kunta", 8, (0, 0, 50, 50, 0, 0))),
                           SCALE_CATEGORIES, label)
    bars = parsed(body)
    assert bars.legend == ["1", "2", "3", "4", "5", "En osaa sanoa"]
    assert bars.groups == ["Kaikki vastaajat (n=20)", "Kunta (n=8)"]
    # zero shares draw nothing; every drawn segment names its category and share (not the colour alone)
    assert bars.segments == [["1: 10 %", "2: 20 %", "3: 30 %", "4: 35 %", "5: 5 %"], ["3: 50 %", "4: 50 %"]]
    widths = [float(w) for w in re.findall(r"width:([0-9.]+)%", body)]
    assert abs(sum(widths[:5]) - 100) < 0.01 and widths[5:] == [50.0, 50.0]
    # a segment too narrow for its text keeps it for a screen reader only
    narrow = re.search(r'<span class="tk-seg"[^>]*title="5: 5 %">(.*?)</span></span>', body).group(1)
    assert narrow == '<span class="tk-sr">5: 5 %'
    wide = re.search(r'<span class="tk-seg"[^>]*title="1: 10 %">(.*?)</span></span>', body).group(1)
    assert '<span class="tk-cat">1<span class="tk-sr">:' in wide


def test_data_text_is_escaped():
    hostile = '<img src=x onerror=alert(1)> "rooli" & <b>lihava</b>'
    body = scale_bars_html(table((hostile, 6, (0, 0, 100, 0, 0, 0))), SCALE_CATEGORIES, lambda c: "<i>" + c)
    assert "<img" not in body and "<b>" not in body and "<i>" not in body
    bars = parsed(body)
    assert bars.groups == [f"{hostile} (n=6)"] and bars.legend[0] == "<i>1"
    assert bars.segments == [["<i>3: 100 %"]]

"""The Kunta page's small multiples as HTML (ui/small_multiples.py): one panel per indicator with both lines, the
latest values in text, a text alternative with the first and latest values, and every data text escaped."""
from __future__ import annotations

import base64
import re

import pandas as pd

from ui.small_multiples import small_multiples_html


def series(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator_id", "year", "value", "alue"])


def pictures(body: str) -> list[str]:
    return [base64.b64decode(p).decode("utf-8") for p in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', body)]


def test_a_panel_per_indicator_with_both_lines_values_and_a_text_alternative():
    data = series([(1, 2020, 10.0, "Tervo"), (1, 2024, 12.5, "Tervo"), (1, 2020, 9.0, "HVA"), (1, 2024, 11.0, "HVA"),
                   (2, 2022, 3.0, "Tervo"), (2, 2024, 4.0, "Tervo")])
    body = small_multiples_html(data, [(1, "Työttömät", "%", 1), (2, "Muuttoliike", "", 0)], "Tervo", "HVA")
    assert body.count('<figure class="tk-sm-panel">') == 2
    assert "<figcaption>Työttömät (%)</figcaption>" in body and "<figcaption>Muuttoliike</figcaption>" in body
    assert 'alt="Työttömät (%). Tervo: 10,0 (2020) → 12,5 (2024); HVA: 9,0 (2020) → 11,0 (2024)"' in body
    assert "Tervo 12,5 (2024) · HVA 11,0 (2024)" in body
    assert 'alt="Muuttoliike. Tervo: 3 (2022) → 4 (2024); HVA: –"' in body  # no reference series: said, not drawn
    first, second = pictures(body)
    assert first.count("<polyline") == 2 and first.count('stroke-dasharray="6 4"') == 1  # solid own, dashed reference
    assert second.count("<polyline") == 1 and ">2022<" in second and ">2024<" in second


def test_data_text_is_escaped_in_the_page_and_in_the_pictures():
    hostile = '<img src=x onerror=alert(1)> & "x"'
    data = series([(1, 2020, 1.0, hostile), (1, 2024, 2.0, hostile)])
    body = small_multiples_html(data, [(1, hostile, "<b>", 1)], hostile, "HVA")
    assert "<img src=x" not in body and "<b>" not in body
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;x&quot;" in body
    assert all("<img src=x" not in p and "<b>" not in p for p in pictures(body))

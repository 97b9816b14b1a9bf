"""The indicator table shown on the overview, municipality and area pages (text + symbols, not colour)."""
from __future__ import annotations

import pandas as pd

from metrics.compare import COMPARISON_SYMBOL
from common.format import fi_number

# Full-width ＝/＋ lack a glyph in common fonts (seen as boxes in Chromium); the ASCII forms read the same.
SAFE = {"＝": "=", "＋": "+"}
COMPARISON_COLUMNS = {"vs_area": "vs. alue", "vs_hva": "vs. hyvinvointialue", "vs_country": "vs. koko maa"}


def display_table(table: pd.DataFrame, comparisons: list[str]) -> pd.DataFrame:
    rows = []
    for _, r in table.iterrows():
        decimals = int(r["decimals"]) if pd.notna(r.get("decimals")) else 1
        has_value = pd.notna(r.get("value"))
        row = {
            "Indikaattori": r["title_fi"],
            "Viimeisin": fi_number(r["value"], decimals) if has_value else "–",
            "Yksikkö": r.get("unit") or "",
            "Vuosi": str(int(r["year"])) if pd.notna(r.get("year")) else "–",
            "Kehitys": f"{r['trend_arrow']} {r['trend_label']}" if isinstance(r.get("trend_label"), str) else "· ei tietoa",
            "Muutos (ikkuna)": (fi_number(r["change_window"], decimals, signed=True)
                                + f" ({int(r['window_start_year'])}–{int(r['year'])})") if pd.notna(r.get("change_window")) else "–",
        }
        for key in comparisons:
            label = r.get(key)
            row[COMPARISON_COLUMNS[key]] = f"{SAFE.get(COMPARISON_SYMBOL.get(label, '·'), COMPARISON_SYMBOL.get(label, '·'))} {label}" if isinstance(label, str) else "· ei vertailua"
        row["Suunta"] = {"higher_better": "suurempi on parempi", "lower_better": "pienempi on parempi"}.get(r["direction"], "ei arvosuuntaa")
        rows.append(row)
    return pd.DataFrame(rows)

"""The indicator table shown on the overview, municipality and area pages (text + symbols, not colour).

Headings and words are in the reader's language (common.i18n); the codes it reads (trend_class, vs_*,
direction) stay as stored."""
from __future__ import annotations

import pandas as pd

from metrics.compare import COMPARISON_SYMBOL, NO_COMPARISON
from common.format import fi_number
from common.i18n import has, t, value_label

# Full-width ＝/＋ lack a glyph in common fonts (seen as boxes in Chromium); the ASCII forms read the same.
SAFE = {"＝": "=", "＋": "+"}
# Comparison column -> the key of its heading (t(COMPARISON_COLUMNS[key]) is the heading shown).
COMPARISON_COLUMNS = {"vs_area": "col_vs_area", "vs_hva": "col_vs_hva", "vs_country": "col_vs_country"}
DIRECTION_KEYS = {"higher_better": "table.direction.higher_better", "lower_better": "table.direction.lower_better"}


def trend_word(trend_class, trend_label) -> str:
    """The trend class in the reader's language: the long form when there is one (as CLASS_LABEL has it),
    else the short word; the stored label when the class has no translation."""
    for kind in ("trend_long", "trend"):
        if isinstance(trend_class, str) and has(f"{kind}.{trend_class}"):
            return t(f"{kind}.{trend_class}")
    return str(trend_label)


def comparison_cell(label) -> str:
    """'▲ parempi' … in the reader's language (the symbol from the stored code)."""
    code = label if isinstance(label, str) else NO_COMPARISON
    symbol = COMPARISON_SYMBOL.get(code, "·")
    return f"{SAFE.get(symbol, symbol)} {value_label('comparison', code)}"


def display_table(table: pd.DataFrame, comparisons: list[str]) -> pd.DataFrame:
    col_indicator, col_latest, col_unit, col_year = t("col_indicator"), t("col_latest"), t("col_unit"), t("col_year")
    col_trend, col_window, col_direction = t("col_trend"), t("table.col_change_window"), t("table.col_direction")
    comparison_headings = {key: t(COMPARISON_COLUMNS[key]) for key in comparisons}
    no_trend, no_direction = f"· {t('table.no_trend')}", t("table.direction.none")
    directions = {code: t(key) for code, key in DIRECTION_KEYS.items()}
    rows = []
    used = ["title_fi", "value", "decimals", "unit", "year", "trend_arrow", "trend_class", "trend_label",
            "change_window", "window_start_year", "direction", *comparisons]
    # plain dicts of the used columns: iterrows built a Series per row (most of a page's time)
    for r in table[[c for c in used if c in table.columns]].to_dict("records"):
        decimals = int(r["decimals"]) if pd.notna(r.get("decimals")) else 1
        has_value = pd.notna(r.get("value"))
        row = {
            col_indicator: r["title_fi"],
            col_latest: fi_number(r["value"], decimals) if has_value else "–",
            col_unit: r.get("unit") or "",
            col_year: str(int(r["year"])) if pd.notna(r.get("year")) else "–",
            col_trend: f"{r['trend_arrow']} {trend_word(r.get('trend_class'), r['trend_label'])}"
            if isinstance(r.get("trend_label"), str) else no_trend,
            col_window: (fi_number(r["change_window"], decimals, signed=True)
                         + f" ({int(r['window_start_year'])}–{int(r['year'])})") if pd.notna(r.get("change_window")) else "–",
        }
        for key in comparisons:
            row[comparison_headings[key]] = comparison_cell(r.get(key))
        row[col_direction] = directions.get(r["direction"], no_direction)
        rows.append(row)
    return pd.DataFrame(rows)

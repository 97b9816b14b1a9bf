"""Latest values without the series: what a side-by-side table and a snapshot comparison need, read in a
few milliseconds where the whole series or region table took tens at national scale (issue 17)."""
from __future__ import annotations

import pandas as pd

from readmodel import page_data, precomputed
from readmodel.precomputed import arrow_frame


def latest_values(con, regions_list: list[tuple[str, str]], year_max: int | None = None,
                  gender: str = "total") -> pd.DataFrame:
    """Each region's latest value per indicator (indicator_id, region_category, region_code, year, value):
    what a side-by-side table needs, without reading and sending the whole series."""
    columns = ["indicator_id", "region_category", "region_code", "year", "value"]
    if not regions_list:
        return pd.DataFrame(columns=columns)
    current = precomputed.state(con)
    source = "pre_series" if current is not None and current.has_regions(regions_list) else "indicator_values"
    sql = f"""SELECT indicator_id, region_category, region_code, max(year) AS year, arg_max(value, year) AS value
              FROM {source} v
              JOIN (SELECT unnest(?::TEXT[]) AS category, unnest(?::TEXT[]) AS code) w
                ON w.category = v.region_category AND w.code = v.region_code
              WHERE v.gender = ? AND v.year <= ? AND v.value IS NOT NULL
              GROUP BY ALL ORDER BY indicator_id, region_category, region_code"""
    return arrow_frame(con, sql, [[r[0] for r in regions_list], [r[1] for r in regions_list], gender, year_max or 9999])


def latest_and_trend(con, category: str, code: str, year_max: int | None = None) -> pd.DataFrame:
    """indicator_id, year, value, trend_class of one region's catalogue indicators (gender total) that have a
    year: what a snapshot keeps. From the stored table when it answers (a few ms; the whole region table took
    40 ms at national scale, on every municipality a page compared with a snapshot)."""
    current = precomputed.state(con)  # codes and numbers only: the stored rows serve every language
    if current is not None and current.covers(year_max) and (category, code) in current.regions:
        return con.execute(
            """SELECT p.indicator_id, p.year, p.value, p.trend_class FROM pre_indicator p
               JOIN indicator i ON i.id = p.indicator_id AND i.in_catalogue
               WHERE p.gender = 'total' AND p.region_category = ? AND p.region_code = ? AND p.year IS NOT NULL
               ORDER BY p.indicator_id""", [category, code]).df()
    table = page_data.region_indicator_table(con, category, code, year_max=year_max)
    return table.dropna(subset=["year"])[["indicator_id", "year", "value", "trend_class"]]

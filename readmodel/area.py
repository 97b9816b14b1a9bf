"""The service-discussion area page's questions: the area's members and references, and which of its
rollups are estimates or incomplete."""
from __future__ import annotations

import pandas as pd

from readmodel import page_data
from readmodel.deployment import deployment


def area_context(con, area: str, category: str = "PALVELUALUE") -> dict:
    """The area's name, members (code, name, verified or assumed, source), its references (HVA, country)
    and whether every membership is verified."""
    dep = deployment(con)
    members = page_data.members(con)
    mine = members[(members["group_category"] == category) & (members["group_code"] == area)].reset_index(drop=True)
    return {"name": mine["group_name"].iloc[0] if len(mine) else area, "members": mine,
            "all_verified": bool(len(mine)) and bool((mine["status"] == "verified").all()),
            "references": [("vs_hva", *dep.hva), ("vs_country", *dep.country)], "plan_name": dep.plan_name}


def rollup_flags(con, area: str, year_max: int | None = None, category: str = "PALVELUALUE") -> pd.DataFrame:
    """Per indicator: whether any of the area's rollups up to year_max is an estimate, incomplete, or demo
    only because of its population weights."""
    return con.execute(
        """SELECT indicator_id, bool_or(is_estimate) AS area_estimate, bool_or(is_incomplete) AS area_incomplete,
                  bool_or(coalesce(demo_weights, FALSE)) AS area_demo_weights
           FROM derived_observation WHERE region_category = ? AND region_code = ? AND year <= ?
           GROUP BY indicator_id""", [category, area, year_max or 9999]).df()

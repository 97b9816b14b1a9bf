"""The municipality page's questions: who it is compared with, its actions with their counts, and a summary
that always says something."""
from __future__ import annotations


from common.i18n import t
from metrics.goals import STATUS_SYMBOL
from metrics.trends import IMPROVING, NOT_DISTINGUISHABLE, STABLE, WORSENING
from readmodel import page_data
from readmodel.deployment import deployment


def municipality_context(con, code: str) -> dict:
    """Name, service-discussion area, the default references (area, HVA, country) and a display name for
    each region the page draws."""
    dep = deployment(con)
    munis = page_data.municipalities(con)
    name = dict(zip(munis["code"], munis["name_fi"])).get(code, code)
    area = page_data.area_of(con, code)
    regions = page_data.regions(con)
    area_name = dict(zip(regions["code"], regions["name_fi"])).get(area, area)
    references = [("vs_area", "PALVELUALUE", area), ("vs_hva", *dep.hva), ("vs_country", *dep.country)]
    labels = {("KUNTA", code): name, ("PALVELUALUE", area): area_name, dep.hva: dep.hva_name,
              dep.country: dep.country_name}
    return {"name": name, "area": area, "area_name": area_name, "references": references, "labels": labels,
            "hva_name": dep.hva_name}


def municipality_summary(con, code: str, year_max: int | None = None,
                         status_year_max: int | None = None) -> list[str]:
    """The region summary's sentences, or one sentence of trend counts when the summary has none (both in the
    reader's language)."""
    items = page_data.region_summary(con, "KUNTA", code, year_max=year_max, status_year_max=status_year_max)
    if items:
        return [item["text"] for item in items]
    table = page_data.region_indicator_table(con, "KUNTA", code, year_max=year_max)
    name = municipality_context(con, code)["name"]
    counts = table["trend_class"].value_counts()
    return [t("kunta.summary_counts", name=name, improving=counts.get(IMPROVING, 0), worsening=counts.get(WORSENING, 0),
              stable=counts.get(STABLE, 0), unclear=counts.get(NOT_DISTINGUISHABLE, 0))]


def municipality_actions(con, code: str, status_year_max: int | None = None) -> dict:
    """Every action of the plan for one municipality: where it answers for the action (tracked), its own status,
    source and date; elsewhere the action's own status over its owners and its unit ("HVA: kyllä"). The
    municipality's own actions first; counts over those."""
    matrix = page_data.action_status(con, status_year_max)
    return actions_of(page_data.plan(con), matrix, page_data.plan_actions(con, status_year_max, matrix), code)


def actions_of(plan: dict, matrix, rows, code: str) -> dict:
    """municipality_actions from the county-wide frames (page_data.plan, action_status, plan_actions), which a
    page reads once for every municipality: switching municipalities then costs only this selection."""
    own = matrix[matrix["municipality_code"] == code][["action_id", "status", "date", "source"]]
    mine = rows[["action_id", "status", "date", "source", "unit_text", "owners"]].rename(
        columns={"status": "action_status", "date": "action_date", "source": "action_source"})
    mine = mine.merge(plan["actions"], on="action_id").merge(own, on="action_id", how="left")
    tracked = mine["action_id"].isin(set(own["action_id"]))
    mine = mine.assign(tracked=tracked, status=mine["status"].where(tracked, mine["action_status"]),
                       source=mine["source"].where(tracked, mine["action_source"]),
                       date=mine["date"].where(tracked, mine["action_date"]))
    mine = mine.sort_values(["tracked", "goal_id", "level_id", "action_id"], ascending=[False, True, True, True])
    followed = mine[mine["tracked"]]
    counts = {status: int((followed["status"] == status).sum()) for status in STATUS_SYMBOL}
    return {"actions": mine.reset_index(drop=True), "followed": len(followed), "done": counts.get("kyllä", 0),
            "counts": counts, "total": len(mine)}

"""What each party takes home from the kuntafoorumi: the content of the forum brief and the slide deck, as plain
data (no HTML, no Streamlit). documents/take_home.py lays it out as a two-page A4 brief and a PPTX deck.

A party is the HVA (`changes.HVA_KEY`), a municipality (its code) or a palvelukeskustelualue (its code).
Texts are whole: nothing here cuts a sentence or an action's text; the layout wraps them. The sentences made
here are in the reader's language (the content is asked through ui.data.get, cached per language); codes
(statuses, trend classes) stay codes for the layout to label.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from common.clock import local_today
from common.format import fi_number
from common.i18n import t, value_label
from metrics.summary import clearest_changes
from readmodel import changes, forum, page_data
from readmodel.deployment import deployment

DONE = "kyllä"
MAX_SUMMARY = 4
MAX_CHANGES = 12  # sentences of "since the last forum" in the brief; the rest are counted, never cut
MAX_CLEAREST = 3  # per direction
TREND_ORDER = ("paranee", "heikkenee", "ennallaan", "ei erotu", "kasvaa", "laskee")
STATUS_ORDER = ("kyllä", "osittain", "ei", "ei vastausta")


def parties(con) -> list[tuple[str, str, str]]:
    """(key, kind, name) of everyone a brief is made for: the HVA, each area, each own municipality."""
    dep = deployment(con)
    out = [(changes.HVA_KEY, "HVA", dep.hva_name)]
    for code, name in con.execute("SELECT code, name_fi FROM region WHERE category = 'PALVELUALUE' ORDER BY code").fetchall():
        out.append((code, "PALVELUALUE", name))
    for r in page_data.municipalities(con).itertuples():
        out.append((str(r.code), "KUNTA", r.name_fi))
    return out


def _party(con, key: str) -> tuple[str, str, str, tuple[str, str], list[str]]:
    """(key, kind, name, (region category, code), member municipality codes)."""
    dep = deployment(con)
    for k, kind, name in parties(con):
        if k == key:
            break
    else:
        raise ValueError(f"tuntematon osapuoli {key!r}")
    munis = [str(c) for c in page_data.municipalities(con)["code"]]
    if kind == "HVA":
        return k, kind, name, tuple(dep.hva), munis
    if kind == "PALVELUALUE":
        members = [r[0] for r in con.execute("SELECT member_code FROM region_member WHERE group_category = 'PALVELUALUE'"
                                             " AND group_code = ? ORDER BY member_code", [key]).fetchall()]
        return k, kind, name, ("PALVELUALUE", key), members
    return k, kind, name, ("KUNTA", key), [key]


def _actions(con, members: list[str], kind: str) -> tuple[pd.DataFrame, dict]:
    """The actions the party follows, with their status: a municipality its own; an area or the HVA the done
    count over the member municipalities that answer for it, and the HVA also the statuses of the parties
    that answer as one (the HVA itself, the liitto) where the status matrix names them."""
    p = page_data.plan(con)
    matrix = page_data.action_status(con, None)
    tracked = page_data.tracked_actions(con)
    by_party = "party_kind" in matrix.columns
    municipal = matrix[matrix["municipality_code"].isin(members)]
    if by_party:
        municipal = municipal[municipal["party_kind"] == "municipalities"].drop_duplicates(["action_id", "municipality_code"])
    single = matrix[matrix["party_kind"] != "municipalities"] if by_party and kind == "HVA" else matrix.iloc[0:0]
    actions = p["actions"].set_index("action_id")
    rows = []
    for action_id in actions.index:
        a = actions.loc[action_id]
        part = municipal[municipal["action_id"] == action_id]
        others = single[single["action_id"] == action_id]
        followed = action_id in tracked or len(others) > 0
        base = {"action_id": action_id, "goal_id": int(a["goal_id"]), "text": a["text_fi"], "owner": a["responsible_fi"] or ""}
        if kind == "KUNTA":
            if part.empty:
                continue  # another party answers for it
            status = str(part["status"].iloc[0])
            if not (action_id in tracked) and status == "ei vastausta":
                continue  # a whole-region action nobody has reported on for this municipality
            rows.append({**base, "status": status, "followed": action_id in tracked, "done": status == DONE,
                         "answered": status != "ei vastausta"})
            continue
        segments, done = [], True
        if len(part) and (action_id in tracked or by_party):
            yes, partly = int((part["status"] == DONE).sum()), int((part["status"] == "osittain").sum())
            segments.append(t("takehome.done_count", done=yes, total=len(part))
                            + (t("takehome.partly_count", n=partly) if partly else ""))
            done &= yes == len(part)
        for r in others.itertuples():
            segments.append(f"{r.party_name}: {value_label('status', r.status)}")
            done &= r.status == DONE
        if segments and followed:
            answered = bool((part["status"] != "ei vastausta").any() or (others["status"] != "ei vastausta").any())
            rows.append({**base, "status": "; ".join(segments), "followed": True, "done": done, "answered": answered})
    frame = pd.DataFrame(rows, columns=["action_id", "goal_id", "text", "owner", "status", "followed", "done", "answered"])
    totals = {s: int((municipal[municipal["action_id"].isin(tracked)]["status"] == s).sum()) for s in STATUS_ORDER}
    return frame.sort_values(["goal_id", "action_id"]).reset_index(drop=True), totals


def _clearest(table: pd.DataFrame) -> list[dict]:
    out = []
    for kind in ("heikkenee", "paranee"):
        for r in clearest_changes(table, kind, MAX_CLEAREST).itertuples():
            decimals = int(r.decimals) if pd.notna(r.decimals) else 1
            out.append({"indicator_id": int(r.indicator_id), "title": r.title_fi, "trend": kind,
                        "value": fi_number(r.value, decimals), "year": int(r.year),
                        "slope": fi_number(r.relative_slope_pct, 1, signed=True)})
    return out


def _goals(con, table: pd.DataFrame, region: tuple[str, str], actions: pd.DataFrame) -> list[dict]:
    status = page_data.goal_status(con, *region).set_index("goal_id")
    out = []
    for g in page_data.plan(con)["goals"].itertuples():
        rows = table[table["goals"].map(lambda goals, gid=g.goal_id: gid in list(goals))]
        counts = {k: int((rows["trend_class"] == k).sum()) for k in TREND_ORDER}
        s = status.loc[g.goal_id] if g.goal_id in status.index else None
        mine = actions[actions["goal_id"] == g.goal_id]
        out.append({"goal_id": int(g.goal_id), "title": g.title_fi, "trend_counts": counts,
                    "completion": s["completion_text"] if s is not None and isinstance(s.get("completion_text"), str) else "",
                    "indicators": [{"title": r.title_fi, "trend": r.trend_class if isinstance(r.trend_class, str) else "",
                                    "value": fi_number(r.value, int(r.decimals) if pd.notna(r.decimals) else 1),
                                    "year": int(r.year) if pd.notna(r.year) else None}
                                   for r in rows.itertuples()],
                    "actions": mine.to_dict("records")})
    return out


def content(con, key: str, today: date | None = None) -> dict:
    """Everything the brief and the deck of one party show."""
    today = today or local_today()
    key, kind, name, region, members = _party(con, key)
    dep = deployment(con)
    table = page_data.region_indicator_table(con, *region)
    summary = [i["text"] for i in page_data.region_summary(con, *region)][:MAX_SUMMARY]
    since = forum.since_last_forum(con, changes.HVA_KEY, today)
    lines: list[dict] = []
    if since is not None:
        if kind == "KUNTA":
            lines = changes.lines(changes.for_region(since["changes"], key), changes.names(con), group_regions=False)
        elif kind == "HVA":
            lines = changes.lines(changes.for_region(since["changes"], key), changes.names(con))
        else:  # an area: what is new for everyone and its members' changes
            records = [c for c in since["changes"] if c[1] is None or c[1] in members]
            lines = changes.lines(records, changes.names(con))
    actions, totals = _actions(con, members, kind)
    view = forum.year_view(con, today)
    upcoming = view["deliverables"]
    review = forum.review_kind(con)
    next_forum = upcoming[upcoming["kind"] == review] if not upcoming.empty else upcoming
    share = page_data.count_demo_share(con)
    return {
        "key": key, "kind": kind, "name": name, "plan": dep.plan_name or "", "parties": dep.parties, "made": today,
        "is_demo": bool(share.get("observations_demo") or share.get("survey_demo") or share.get("status_demo")),
        "summary": summary,
        "forum": None if since is None else {"title": since["title"], "date": since["date"]},
        "review_kind": review, "since_word": forum.since_word(review),
        "changes": lines[:MAX_CHANGES], "changes_more": max(0, len(lines) - MAX_CHANGES), "changes_all": lines,
        "in_progress": actions[~actions["done"]].to_dict("records"),
        "done": actions[actions["done"]][["action_id", "text"]].to_dict("records"),
        "action_totals": totals, "clearest": _clearest(table),
        "goals": _goals(con, table, region, actions),
        "next_forum": [] if next_forum.empty else next_forum.to_dict("records"),
    }

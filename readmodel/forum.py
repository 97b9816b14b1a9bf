"""The kuntafoorumi's year: the vuosikello, each meeting's baseline snapshot, and "changed since the last one".

- `year_view(con, today)`: the meetings in date order, the next one, and what each party delivers before
  the next meeting of each kind (per area for
  palvelukeskustelut; deliverables.csv), each with its check against the data where the folder
  names one (survey answers per municipality, status updates since the previous meeting, fresh statistics).
- A meeting gets its snapshot (table snapshot + meeting_snapshot) automatically when its day has come: the
  first load after that day stores the previous load's picture as it (readmodel/changes.py), `refresh` and
  `forum due` take it before loading (no write when none is due); `prepare` takes it when a coordinator
  opens the meeting for preparation.
- `since_last_forum(con, region_key, today)`: the changes (readmodel/changes.py) between the last
  kuntafoorumi's snapshot and the data now, for one region, as sentences with names in the reader's
  language (made when read, from the stored facts). Pages read `changes_since_last_forum` (every region,
  cached once) and take one region's part with `for_region`.

    python -m data_sources forum due [--today 2026-12-03]
    python -m data_sources forum prepare --meeting KF-2027-1
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from common.clock import db_timestamp, local_today
from common.format import fi_date
from common.i18n import has, t
from readmodel import changes, page_data
from store.config import db_path
from store.warehouse import connect_read, writing

# The meeting kinds (codes, as in meetings.csv); their names in the reader's language are
# common/strings/forum_documents.toml [forum.kind.*] (`kind_name`).
KINDS = ("kuntafoorumi", "palvelukeskustelu", "hyte_neuvottelu", "neuvottelu_14", "strateginen", "kompassikysely")
NOT_A_MEETING = ("kompassikysely",)  # a survey window has no snapshot
FORUM = "kuntafoorumi"
# The meeting that reviews the picture, in order of preference: a region whose year has no kuntafoorumi
# (another county's agreement may name a yearly strategic meeting instead) compares with its own.
REVIEW_KINDS = (FORUM, "strateginen")


def kind_name(kind: str) -> str:
    """A meeting kind's name in the reader's language (an unknown kind as it is)."""
    return t(f"forum.kind.{kind}") if has(f"forum.kind.{kind}") else kind


def since_word(kind: str) -> str:
    """The review meeting as it follows "Muutokset edellisen …" (Finnish genitive: "kuntafoorumin")."""
    return t(f"forum.since.{kind}") if has(f"forum.since.{kind}") else kind


def _area(meeting: pd.Series) -> str | None:
    value = meeting.get("area_code")
    return value if isinstance(value, str) and value else None


def meetings(con) -> pd.DataFrame:
    return con.execute(
        """SELECT m.meeting_id, m.kind, m.meeting_date, m.end_date, m.title_fi, m.area_code, m.parties_fi,
                  m.basis_fi, m.date_status, m.origin, count(d.decision_id) AS decisions,
                  any_value(s.snapshot_id) AS snapshot_id, any_value(s.reason) AS snapshot_reason
           FROM meeting m LEFT JOIN meeting_decision d USING (meeting_id)
           LEFT JOIN meeting_snapshot s USING (meeting_id)
           GROUP BY ALL ORDER BY m.meeting_date, m.meeting_id""").df()


def areas(con) -> pd.DataFrame:
    """The palvelukeskustelualueet (code, name_fi), for a palvelukeskustelu's area."""
    return con.execute("SELECT code, name_fi FROM region WHERE category = 'PALVELUALUE' ORDER BY name_fi").df()


def decisions(con, meeting_id: str | None = None) -> pd.DataFrame:
    return con.execute(
        """SELECT d.decision_id, d.meeting_id, m.title_fi AS meeting_title, m.meeting_date, d.kind, d.text_fi,
                  d.action_id, a.text_fi AS action_text, d.responsible_fi, d.due_date, d.recorded_by, d.recorded_at
           FROM meeting_decision d JOIN meeting m USING (meeting_id) LEFT JOIN action a USING (action_id)
           WHERE ? IS NULL OR d.meeting_id = ?
           ORDER BY m.meeting_date DESC, d.decision_id""", [meeting_id, meeting_id]).df()


def _previous(frame: pd.DataFrame, kind: str, before: date, area: str | None = None) -> pd.Series | None:
    rows = frame[(frame["kind"] == kind) & (frame["meeting_date"] < pd.Timestamp(before))]
    if area is not None:
        rows = rows[rows["area_code"] == area]
    return rows.iloc[-1] if len(rows) else None


def _check(con, check: str | None, meeting: pd.Series, previous: pd.Series | None, munis: pd.DataFrame) -> dict | None:
    """Whether a deliverable is in: {"done": bool, "text": str, "missing": [names]} (None: nothing to check)."""
    if not check:
        return None
    year = meeting["meeting_date"].year
    since = previous["meeting_date"] if previous is not None else pd.Timestamp(year, 1, 1)
    names = dict(zip(munis["code"].astype(str), munis["name_fi"]))
    if _area(meeting):
        members = {r[0] for r in con.execute("SELECT member_code FROM region_member WHERE group_category = 'PALVELUALUE'"
                                             " AND group_code = ?", [_area(meeting)]).fetchall()}
        names = {c: n for c, n in names.items() if c in members}
    if check == "survey_municipalities":
        answered = {r[0] for r in con.execute("SELECT DISTINCT municipality_code FROM survey_response WHERE active"
                                              " AND year = ?", [year]).fetchall()}
        missing = sorted(n for c, n in names.items() if c not in answered)
        return {"done": not missing, "missing": missing,
                "text": t("forum.check_survey", answered=len(names) - len(missing), total=len(names), year=year)}
    if check == "survey_hva":
        n = con.execute("SELECT count(*) FROM survey_response WHERE active AND year = ? AND respondent_role = 'hva'",
                        [year]).fetchone()[0]
        return {"done": n > 0, "text": t("forum.check_survey_hva", n=n, year=year), "missing": []}
    if check == "status_updates":
        recorded = {r[0] for r in con.execute("SELECT DISTINCT municipality_code FROM action_status WHERE status_date > ?",
                                              [since.date()]).fetchall()}
        recorded |= {r[0] for r in con.execute("SELECT DISTINCT municipality_code FROM survey_response WHERE active"
                                               " AND year = ?", [year]).fetchall()}
        missing = sorted(n for c, n in names.items() if c not in recorded)
        return {"done": not missing, "missing": missing,
                "text": t("forum.check_status", updated=len(names) - len(missing), total=len(names),
                          since=fi_date(since.date()))}
    if check == "data_fresh":
        last = con.execute("SELECT max(finished_at) FROM load_log WHERE status = 'ok' AND source IN ('sotkanet', 'demo',"
                           " 'refresh')").fetchone()[0]
        done = last is not None and pd.Timestamp(last) > since
        return {"done": bool(done), "text": t("forum.check_data", day=fi_date(last) if last else "–"), "missing": []}
    return None


def year_view(con, today: date | None = None) -> dict:
    """{"meetings": frame, "next": row or None, "last_forum": row or None, "deliverables": frame for the next
    meeting of each kind (kind, meeting_id, title, date, party, text, done, check_text, missing)}."""
    today = today or local_today()
    frame = meetings(con)
    upcoming = frame[frame["meeting_date"] >= pd.Timestamp(today)]
    nxt = upcoming.iloc[0] if len(upcoming) else None
    past = frame[(frame["kind"] == FORUM) & (frame["meeting_date"] <= pd.Timestamp(today))]
    last_forum = past.iloc[-1] if len(past) else None
    delivs = con.execute("SELECT kind, seq, party_fi, text_fi, check_kind, basis_fi FROM deliverable ORDER BY kind, seq").df()
    munis = page_data.municipalities(con)
    rows = []
    firsts = upcoming.assign(_area=upcoming["area_code"].fillna("")).drop_duplicates(["kind", "_area"])
    for _, meeting in firsts.iterrows():  # the next meeting of each kind (per area for palvelukeskustelut)
        kind = meeting["kind"]
        previous = _previous(frame, kind, meeting["meeting_date"].date(), _area(meeting))
        for d in delivs[delivs["kind"] == kind].itertuples():
            result = _check(con, d.check_kind, meeting, previous, munis)
            rows.append({"kind": kind, "meeting_id": meeting["meeting_id"], "meeting_title": meeting["title_fi"],
                         "meeting_date": meeting["meeting_date"], "party": d.party_fi, "text": d.text_fi,
                         "done": None if result is None else result["done"],
                         "check_text": "" if result is None else result["text"],
                         "missing": [] if result is None else result["missing"], "basis": d.basis_fi})
    return {"meetings": frame, "next": nxt, "last_forum": last_forum, "deliverables": pd.DataFrame(rows),
            "today": today}


# ---------------------------------------------------------------- snapshots per meeting


def due_meetings(con, today: date) -> list[str]:
    return [r[0] for r in con.execute(
        """SELECT meeting_id FROM meeting WHERE meeting_date <= ? AND NOT list_contains(?, kind)
             AND meeting_id NOT IN (SELECT meeting_id FROM meeting_snapshot) ORDER BY meeting_date""",
        [today, list(NOT_A_MEETING)]).fetchall()]


def take_due_snapshots(path: Path | None = None, today: date | None = None, user_name: str | None = None) -> list[str]:
    """Snapshot every meeting whose date has arrived and that has none (the picture now: no load has happened
    since, or the load's own step would have taken it); returns their ids; no write when none is due."""
    path = db_path(path)
    today = today or local_today()
    with connect_read(path) as con:
        if not due_meetings(con, today):
            return []
        payload = changes.picture(con)
    with writing("meeting_snapshot", params={"reason": "päivä", "today": today.isoformat()}, path=path,
                 user_name=user_name or "automaattinen") as load:
        taken = changes.snapshot_due_meetings(load.con, payload, today)
        load.rows = len(taken)
        load.message = f"kokousten tilannekuvat: {', '.join(taken)}"[:500]
    return taken


def prepare(meeting_id: str, path: Path | None = None, user_name: str | None = None) -> int | None:
    """Open a meeting for preparation: its snapshot is the picture now (unless it already has one)."""
    path = db_path(path)
    with connect_read(path) as con:
        row = con.execute("SELECT m.kind, s.snapshot_id FROM meeting m LEFT JOIN meeting_snapshot s USING (meeting_id)"
                          " WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is None:
        raise ValueError(t("forum.unknown_meeting", meeting=meeting_id))
    if row[0] in NOT_A_MEETING:
        raise ValueError(t("forum.survey_no_snapshot"))
    if row[1] is not None:
        return int(row[1])
    with connect_read(path) as con:
        payload = json.dumps(changes.picture(con), ensure_ascii=False, separators=(",", ":"))
    with writing("meeting_snapshot", target=meeting_id, params={"reason": "valmistelu"}, path=path,
                 user_name=user_name) as load:
        con = load.con
        row = con.execute("SELECT m.title_fi, m.meeting_date, s.snapshot_id FROM meeting m"
                          " LEFT JOIN meeting_snapshot s USING (meeting_id) WHERE meeting_id = ?", [meeting_id]).fetchone()
        if row[2] is not None:  # another process opened it meanwhile
            return int(row[2])
        snapshot_id = con.execute("SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshot").fetchone()[0]
        now = db_timestamp()
        con.execute("INSERT INTO snapshot VALUES (?, ?, ?, ?)", [snapshot_id, f"{row[0]} ({fi_date(row[1])})", now, payload])
        con.execute("INSERT INTO meeting_snapshot VALUES (?, ?, ?, ?)", [meeting_id, snapshot_id, now, "valmistelu"])
        load.rows = 1
        load.message = f"kokous {meeting_id} avattu valmisteluun: tilannekuva #{snapshot_id}"
    return int(snapshot_id)


def review_kind(con) -> str:
    """The kind of meeting 'changed since the last one' means for this region's year."""
    kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM meeting").fetchall()}
    return next((k for k in REVIEW_KINDS if k in kinds), FORUM)


def baseline(con, today: date | None = None, kind: str | None = None) -> dict | None:
    """The last meeting of `kind` on or before today and its snapshot: {meeting_id, title, date, payload}.
    A meeting whose day has come but that has no snapshot yet has had no load since: its baseline is the
    last load's picture (so nothing has changed since it)."""
    today = today or local_today()
    kind = kind or review_kind(con)
    row = con.execute(
        """SELECT m.meeting_id, m.title_fi, m.meeting_date, s.payload FROM meeting m
           LEFT JOIN meeting_snapshot ms USING (meeting_id) LEFT JOIN snapshot s ON s.snapshot_id = ms.snapshot_id
           WHERE m.kind = ? AND m.meeting_date <= ? ORDER BY m.meeting_date DESC LIMIT 1""", [kind, today]).fetchone()
    if row is None:
        return None
    payload = row[3]
    if payload is None:
        latest = con.execute("SELECT payload FROM load_picture ORDER BY load_id DESC LIMIT 1").fetchone()
        payload = latest[0] if latest else None
    return {"meeting_id": row[0], "title": row[1], "date": row[2], "kind": kind,
            "payload": json.loads(payload) if payload else changes.picture(con)}


def changes_since_last_forum(con, today: date | None = None) -> dict | None:
    """Every region's changes since the last review meeting, once per database version: {"meeting_id",
    "title", "date", "kind", "since_word", "changes": records, "names"} or None. The whole picture is read
    and compared once; `for_region` then picks one region's part (a page switching municipalities pays
    only that)."""
    base = baseline(con, today)
    if base is None:
        return None
    return {"meeting_id": base["meeting_id"], "title": base["title"], "date": base["date"], "kind": base["kind"],
            "since_word": since_word(base["kind"]), "changes": changes.diff(base["payload"], changes.picture(con)),
            "names": changes.names(con)}


def for_region(everything: dict | None, region_key: str = changes.HVA_KEY) -> dict | None:
    """One region's part of changes_since_last_forum, with its sentences in the reader's language:
    {"meeting_id", "title", "date", "kind", "since_word", "changes", "lines": [{"section", "kind", "text"}]}."""
    if everything is None:
        return None
    records = changes.for_region(everything["changes"], region_key)
    return {**{k: v for k, v in everything.items() if k != "names"}, "changes": records,
            "lines": changes.lines(records, everything["names"], group_regions=region_key == changes.HVA_KEY)}


def since_last_forum(con, region_key: str = changes.HVA_KEY, today: date | None = None) -> dict | None:
    """for_region(changes_since_last_forum(con, today), region_key)."""
    return for_region(changes_since_last_forum(con, today), region_key)


def _cmd_due(args) -> int:
    taken = take_due_snapshots(db_path(args.db), args.today)
    print(t("cli.forum.taken", meetings=", ".join(taken)) if taken else t("cli.forum.none_due"))
    return 0


def _cmd_prepare(args) -> int:
    try:
        snapshot_id = prepare(args.meeting, db_path(args.db), user_name=args.by)
    except ValueError as exc:
        print(t("cli.error", message=exc), file=sys.stderr)
        return 1
    print(t("cli.forum.prepared", meeting=args.meeting, snapshot=snapshot_id))
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("forum", help=t("cli.forum.help"))
    sub = p.add_subparsers(dest="forum_command", required=True, metavar=t("cli.action_metavar"))
    d = sub.add_parser("due", help=t("cli.forum.due_help"))
    d.add_argument("--today", type=date.fromisoformat, help=t("cli.forum.today_help"))
    d.add_argument("--db")
    d.set_defaults(func=_cmd_due)
    pr = sub.add_parser("prepare", help=t("cli.forum.prepare_help"))
    pr.add_argument("--meeting", required=True)
    pr.add_argument("--by", default="cli")
    pr.add_argument("--db")
    pr.set_defaults(func=_cmd_prepare)

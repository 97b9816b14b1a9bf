"""What changed: the picture of the data, the diff of two pictures, and the change alerts of every load.

The picture (`picture(con)`) is what the forum looks at, per region (the HVA and each own municipality):
each indicator's latest year, value, trend class and comparison classes (vs. country, vs. HVA), each
action's status per municipality, each indicator's Sotkanet `data-updated` day and the survey's answer
counts per year. It is read from the page data the load has just stored (readmodel/derive.py), so it costs
a few queries, and it is a superset of the snapshot payload of readmodel/snapshots.py (version 1 readers
keep working on it).

`diff(old, new)` lists the changes as plain records (kind, region_key, subject, before, after: codes and
values, no words); `lines()` turns them into sentences in the reader's language with municipality names,
indicator titles and action texts, grouped so that one action done in eight municipalities is one line
naming the eight. The stored records (`load_change`) are these facts, so a digest read in Swedish is
Swedish even though the load that stored it ran in Finnish.

Every load keeps its changes against the previous load: `STEP` is a derived step (store/derived.py) that
runs after the page data step, diffs the new picture against the one the previous load kept
(`load_picture`) and stores the records in `load_change`. The same step gives every meeting whose day has
come its snapshot (`snapshot_due_meetings`): the previous load's picture, i.e. the data on that day. `python -m data_sources changes` prints them and
writes an Atom feed and a CSV file (`feed_atom`, `feed_csv`).

Long because the picture, the diff, the sentences and the two feed formats belong together: each
change kind appears in all four, and splitting them would spread one kind over four files.
"""
from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import duckdb

from common.clock import db_timestamp, iso_utc, local_today
from common.format import fi_date, fi_datetime
from common.i18n import t, value_label
from readmodel import page_data
from store.config import db_path
from store.derived import META_PREFIX, DerivedStep, register
from store.warehouse import connect_read

PAYLOAD_VERSION = 2
HVA_KEY = "HVA"
META_KEY = META_PREFIX + "load_changes"
COMPARISONS = ("vs_country", "vs_hva")  # compared with: t("changes.against.<label>")
KINDS = ("action", "comparison", "trend", "new_year", "data_updated", "survey")
SECTION = {"action": "action", "comparison": "comparison", "trend": "trend",  # t("changes.section.<value>")
           "new_year": "new", "data_updated": "new", "survey": "new"}
ATOM = "http://www.w3.org/2005/Atom"


def _has_table(con, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def _num(value):
    if value is None or value != value:
        return None
    return round(float(value), 6)


COMPARED_COLUMNS = ("vs_country", "vs_hva")


def picture(con: duckdb.DuckDBPyConnection) -> dict:
    """The picture of the data now (any connection: a load's or a reader's)."""
    hva_category, hva_code = page_data.hva_and_country(con)[0]
    indicators: dict[str, dict] = {}
    if _has_table(con, "pre_indicator"):
        # the comparison columns exist only where the database has the regions to compare with
        present = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'pre_indicator'").fetchall()}
        compared = ", ".join(c if c in present else f"NULL AS {c}" for c in COMPARED_COLUMNS)
        rows = con.execute(
            f"""SELECT region_category, region_code, indicator_id, year, value, trend_class, {compared}
               FROM pre_indicator WHERE gender = 'total' AND year IS NOT NULL
                 AND (region_category = 'KUNTA' OR (region_category = ? AND region_code = ?))""",
            [hva_category, hva_code]).fetchall()
        for category, code, ind, year, value, trend, vs_country, vs_hva in rows:
            key = HVA_KEY if category != "KUNTA" else str(code)
            entry = {"year": int(year), "value": _num(value), "trend": trend or None, "vs_country": vs_country or None}
            if category == "KUNTA":
                entry["vs_hva"] = vs_hva or None
            indicators.setdefault(key, {})[str(int(ind))] = entry
    actions: dict[str, dict[str, str]] = {}
    if _has_table(con, "action") and con.execute("SELECT count(*) FROM action").fetchone()[0]:
        for r in page_data.action_status(con, None).itertuples():
            actions.setdefault(str(r.action_id), {})[str(r.municipality_code)] = str(r.status)
    updated = {str(i): d.isoformat() for i, d in con.execute(
        "SELECT id, data_updated FROM indicator WHERE in_catalogue AND data_updated IS NOT NULL").fetchall()}
    survey = {str(y): int(n) for y, n in con.execute(
        "SELECT year, count(*) FROM survey_response WHERE active GROUP BY year").fetchall()}
    return {"version": PAYLOAD_VERSION, "year_max": None, "indicators": indicators, "actions": actions,
            "data_updated": updated, "survey": survey}


def diff(old: dict | None, new: dict) -> list[tuple]:
    """(kind, region_key, subject, before, after) for everything that changed from `old` to `new`."""
    if old is None:
        return []
    out: list[tuple] = []
    old_ind = old.get("indicators", {})
    for key, inds in new.get("indicators", {}).items():
        before_region = old_ind.get(key, {})
        for ind, now in inds.items():
            before = before_region.get(ind)
            if before is None:
                out.append(("new_year", key, ind, None, str(now["year"])))
                continue
            if now["year"] > before.get("year", now["year"]):
                out.append(("new_year", key, ind, str(before["year"]), str(now["year"])))
            if now.get("trend") and before.get("trend") and now["trend"] != before["trend"]:
                out.append(("trend", key, ind, before["trend"], now["trend"]))
            for label in COMPARISONS:
                a, b = before.get(label), now.get(label)
                if a and b and a != b:
                    out.append(("comparison", key, f"{ind}:{label}", a, b))
    old_actions = old.get("actions", {})
    for action, by_muni in new.get("actions", {}).items():
        for muni, status in by_muni.items():
            before = old_actions.get(action, {}).get(muni, "ei vastausta")
            if status != before and status != "ei vastausta":
                out.append(("action", muni, action, before, status))
    old_updated = old.get("data_updated", {})
    for ind, day in new.get("data_updated", {}).items():
        if old_updated.get(ind) != day:
            out.append(("data_updated", None, ind, old_updated.get(ind), day))
    old_survey = old.get("survey", {})
    for year, count in new.get("survey", {}).items():
        if old_survey.get(year) != count:
            out.append(("survey", None, year, None if old_survey.get(year) is None else str(old_survey[year]), str(count)))
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(out, key=lambda c: (order[c[0]], c[2], c[1] or ""))


def for_region(changes: list[tuple], region_key: str) -> list[tuple]:
    """The changes a region's page shows: its own indicators and actions, and what is new for everyone.
    The HVA's page shows every municipality's actions too (named)."""
    keep = []
    for c in changes:
        kind, key = c[0], c[1]
        if key is None or key == region_key or (region_key == HVA_KEY and kind == "action"):
            keep.append(c)
    return keep


def names(con) -> dict:
    """Titles for the sentences: regions (HVA_KEY and municipality codes), indicators, actions."""
    hva = page_data.hva_and_country(con)[0]
    regions = {str(c): n for c, n in con.execute("SELECT code, name_fi FROM region WHERE category = 'KUNTA'").fetchall()}
    hva_name = con.execute("SELECT name_fi FROM region WHERE category = ? AND code = ?", list(hva)).fetchone()
    regions[HVA_KEY] = hva_name[0] if hva_name else HVA_KEY
    regions[str(hva[1])] = regions[HVA_KEY]  # a status recorded for the HVA as a party is keyed by its code
    for code, name in con.execute("SELECT code, name_fi FROM region WHERE category = 'MAAKUNTA'").fetchall():
        regions.setdefault(str(code), name)  # … and one for the maakunta's liitto by the maakunta's
    return {"regions": regions,
            "indicators": {str(i): t for i, t in con.execute("SELECT id, title_fi FROM indicator").fetchall()},
            "actions": {a: t for a, t in con.execute("SELECT action_id, text_fi FROM action").fetchall()}}


def _iso_day(text: str | None) -> str:
    if not text:
        return "–"
    try:
        return fi_date(date.fromisoformat(text))
    except ValueError:
        return text


def lines(changes: list[tuple], titles: dict, *, group_regions: bool = True) -> list[dict]:
    """Sentences in the reader's language: [{"section", "kind", "text"}], in the order of KINDS (codes such as
    statuses and trend classes shown with value_label; names as `titles` has them). Texts are whole (never cut);
    they are data, so a page escapes them before Markdown. Actions with the same new status are one line per
    action naming the municipalities; with group_regions, a new statistics year is one line per indicator."""
    region = titles["regions"]
    ind = titles["indicators"]
    act = titles["actions"]
    out: list[dict] = []
    grouped: dict[tuple, list[str]] = {}
    years: dict[tuple, list[str]] = {}
    for kind, key, subject, before, after in changes:
        if kind == "action":
            grouped.setdefault((subject, before if not group_regions else None, after), []).append(key)
        elif kind == "new_year" and group_regions:
            years.setdefault((subject, after), []).append(key)
    seen_action, seen_year = set(), set()
    for kind, key, subject, before, after in changes:
        where = region.get(key, key) if key else None
        if kind == "action":
            group = (subject, before if not group_regions else None, after)
            if group in seen_action:
                continue
            seen_action.add(group)
            munis = sorted(region.get(k, k) for k in grouped[group])
            word = t("changes.action_done") if after == "kyllä" else value_label("status", after)
            text = f"{subject} {act.get(subject, '').rstrip('.')}: {word} — {', '.join(munis)}"
            if not group_regions:
                text = (f"{subject} {act.get(subject, '').rstrip('.')}: {value_label('status', before)} → "
                        f"{value_label('status', after)} — {', '.join(munis)}")
        elif kind == "trend":
            text = t("changes.trend", where=where, indicator=ind.get(subject, subject),
                     before=value_label("trend", before), after=value_label("trend", after))
        elif kind == "comparison":
            ind_id, label = subject.split(":", 1)
            against = t(f"changes.against.{label}") if label in COMPARISONS else label
            text = t("changes.comparison", where=where, indicator=ind.get(ind_id, ind_id), against=against,
                     before=value_label("comparison", before), after=value_label("comparison", after))
        elif kind == "new_year":
            if group_regions:
                if (subject, after) in seen_year:
                    continue
                seen_year.add((subject, after))
                count = len(years[(subject, after)])
                text = t("changes.new_year", indicator=ind.get(subject, subject), year=after) + (
                    t("changes.regions_count", count=count) if count > 1 else f" ({where})")
            else:
                text = t("changes.new_year_region", where=where, indicator=ind.get(subject, subject), year=after) + (
                    t("changes.before", before=before) if before else "")
        elif kind == "data_updated":
            text = t("changes.data_updated", indicator=ind.get(subject, subject), day=_iso_day(after)) + (
                t("changes.before", before=_iso_day(before)) if before else "")
        else:  # survey
            text = t("changes.survey", year=subject, count=after) + (t("changes.before", before=before) if before else "")
        out.append({"section": t(f"changes.section.{SECTION[kind]}"), "kind": kind, "text": text})
    return out


# ---------------------------------------------------------------- every load keeps its changes


def refresh(con: duckdb.DuckDBPyConnection) -> dict:
    """The derived step: this load's changes against the previous load's picture (inside the load)."""
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM load_log").fetchone()[0]
    row = con.execute("SELECT payload FROM load_picture ORDER BY load_id DESC LIMIT 1").fetchone()
    old = json.loads(row[0]) if row else None
    new = picture(con)
    snapshot_due_meetings(con, old or new, local_today())
    changes = diff(old, new)
    con.execute("DELETE FROM load_change WHERE load_id = ?", [load_id])
    if changes:
        con.executemany("INSERT INTO load_change VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(load_id, i, *c) for i, c in enumerate(changes)])
    con.execute("DELETE FROM load_picture")  # only the last picture is needed to diff the next load
    con.execute("INSERT INTO load_picture VALUES (?, ?)", [load_id, json.dumps(new, ensure_ascii=False,
                                                                                separators=(",", ":"))])
    # the same value every load: a load that changes nothing leaves nothing changed but its log and picture
    con.execute("INSERT INTO meta VALUES (?, ?)", [META_KEY, json.dumps({"version": PAYLOAD_VERSION})])
    return {"changes": len(changes)}


def snapshot_due_meetings(con: duckdb.DuckDBPyConnection, payload: dict, today: date, reason: str = "päivä") -> list[str]:
    """Every meeting whose day has come and that has no snapshot gets `payload` as its snapshot. Inside a load,
    `payload` is the previous load's picture: the data as it stood on the meeting's day, since nothing was
    loaded between that day and this load (a load in between would have taken the snapshot)."""
    due = [r for r in con.execute(
        """SELECT meeting_id, title_fi, meeting_date FROM meeting WHERE meeting_date <= ? AND kind <> 'kompassikysely'
             AND meeting_id NOT IN (SELECT meeting_id FROM meeting_snapshot) ORDER BY meeting_date, meeting_id""",
        [today]).fetchall()]
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    for meeting_id, title, day in due:
        snapshot_id = con.execute("SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshot").fetchone()[0]
        now = db_timestamp()
        con.execute("INSERT INTO snapshot VALUES (?, ?, ?, ?)", [snapshot_id, f"{title} ({fi_date(day)})", now, text])
        con.execute("INSERT INTO meeting_snapshot VALUES (?, ?, ?, ?)", [meeting_id, snapshot_id, now, reason])
    return [r[0] for r in due]


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM meta WHERE key = ?", [META_KEY]).fetchone()[0] > 0


STEP = register(DerivedStep(name="load_changes", refresh=refresh, is_current=is_current))


def load_changes(con, *, limit_loads: int = 50, load_id: int | None = None) -> list[dict]:
    """The loads that changed something, newest first: [{load_id, source, finished_at, is_demo, changes}]."""
    loads = con.execute(
        """SELECT l.load_id, l.source, l.finished_at, l.is_demo FROM load_log l
           WHERE l.status = 'ok' AND EXISTS (SELECT 1 FROM load_change c WHERE c.load_id = l.load_id)
             AND (? IS NULL OR l.load_id = ?)
           ORDER BY l.load_id DESC LIMIT ?""", [load_id, load_id, limit_loads]).fetchall()
    out = []
    for lid, source, finished, is_demo in loads:
        rows = con.execute("SELECT kind, region_key, subject, before, after FROM load_change WHERE load_id = ?"
                           " ORDER BY seq", [lid]).fetchall()
        out.append({"load_id": int(lid), "source": source, "finished_at": finished, "is_demo": bool(is_demo),
                    "changes": [tuple(r) for r in rows]})
    return out


def latest_load_id(path: Path) -> int:
    if not path.exists():
        return 0
    with connect_read(path, require_current_schema=False) as con:
        return int(con.execute("SELECT coalesce(max(load_id), 0) FROM load_log").fetchone()[0])


def feed_atom(loads: list[dict], titles: dict, *, feed_id: str, title: str, updated=None) -> bytes:
    """An Atom 1.0 feed (RFC 4287): one entry per load that changed something."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    newest = loads[0]["finished_at"] if loads else updated
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = iso_utc(newest) if newest else iso_utc()
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Tilannekuva"
    for load in loads:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{feed_id}:load:{load['load_id']}"
        texts = [x["text"] for x in lines(load["changes"], titles)]
        demo = t("changes.feed_demo") if load["is_demo"] else ""
        ET.SubElement(entry, f"{{{ATOM}}}title").text = t("changes.feed_entry", load=load["load_id"],
                                                           source=load["source"], n=len(texts), demo=demo)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = iso_utc(load["finished_at"])
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "text"})
        content.text = "\n".join(texts)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def feed_csv(loads: list[dict], titles: dict) -> bytes:
    """One row per change (semicolon-separated, UTF-8 with BOM for Excel); the text column is the sentence.
    Headings and sentences in the reader's language; the kind, subject and before/after columns are codes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(["load_id"] + [t(f"changes.col.{c}") for c in CSV_COLUMNS])
    for load in loads:
        for change in load["changes"]:
            kind, key, subject, before, after = change
            text = lines([change], titles, group_regions=False)[0]["text"]
            writer.writerow([load["load_id"], iso_utc(load["finished_at"]), load["source"], kind,
                             titles["regions"].get(key, key) if key else "", subject, before or "", after or "",
                             _cell(text)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


CSV_COLUMNS = ("loaded", "source", "kind", "region", "subject", "before", "after", "change")


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (same rule as common/spreadsheet)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def digest_since(path: Path):
    """The refresh's digest (data_sources/refresh.py): the changes of the loads after `path`'s load at the
    time this is called, as sentences; the Atom feed and CSV are rewritten next to the database."""
    since = latest_load_id(path)

    def digest(db: Path) -> list[str] | None:
        with connect_read(db) as con:
            loads = [x for x in load_changes(con) if x["load_id"] > since]
            titles = names(con)
        write_feeds(db)
        texts = [x["text"] for load in reversed(loads) for x in lines(load["changes"], titles)]
        return texts or None

    return digest


def write_feeds(db: Path, out_dir: Path | None = None) -> tuple[Path, Path]:
    out_dir = out_dir or db.parent
    with connect_read(db) as con:
        loads = load_changes(con)
        titles = names(con)
    atom, table = out_dir / "muutokset.atom", out_dir / "muutokset.csv"
    atom.write_bytes(feed_atom(loads, titles, feed_id=f"urn:tilannekuva:{db.stem}", title=t("changes.feed_title")))
    table.write_bytes(feed_csv(loads, titles))
    return atom, table


def _cmd_changes(args) -> int:
    path = db_path(args.db)
    with connect_read(path) as con:
        loads = load_changes(con, limit_loads=args.loads)
        titles = names(con)
    if not loads:
        print(t("cli.changes.none"))
    for load in loads:
        demo = t("cli.changes.demo") if load["is_demo"] else ""
        print(t("cli.changes.load", load_id=load["load_id"], source=load["source"],
                finished=fi_datetime(load["finished_at"]), demo=demo))
        for item in lines(load["changes"], titles):
            print(f"  {item['section']}: {item['text']}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        atom, table = write_feeds(path, out)
        print(t("cli.changes.written", atom=atom, table=table))
    return 0


def add_cli(subparsers) -> None:
    p = subparsers.add_parser("changes", help=t("cli.changes.help"))
    p.add_argument("--loads", type=int, default=5, help=t("cli.changes.loads_help"))
    p.add_argument("--out", help=t("cli.changes.out_help"))
    p.add_argument("--db")
    p.set_defaults(func=_cmd_changes)



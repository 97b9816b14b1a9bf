"""The whole plan followed up: who answers for each action, its one status, and one count everywhere.

An action's owners are parties (region folder parties.csv): a set of municipalities (each answers for
itself), the HVA or the liitto (each one answer). Every (action, party key) pair has one status by the one
rule of metrics.goals.latest_action_status: the newer of the survey's answer and a coordinator's record
(a tie goes to the record); nothing -> "ei vastausta" (never "ei").

An action's own status over its owners (STATUS_RULE, shown on the pages):
  every key kyllä -> kyllä; no key answered -> ei vastausta; no kyllä/osittain but some ei -> ei;
  otherwise osittain.
Each action is also shown in its own unit ("12/19 kuntaa", "HVA: kyllä", "liitto: ei vastausta").
The plan's count (overview, export, summary) is over actions: done = actions whose own status is kyllä.
"""
from __future__ import annotations

import pandas as pd

from common.format import fi_date
from common.i18n import catalogue, t, value_label
from metrics.goals import NO, NO_ANSWER, PARTLY, STATUS_ORDER, YES

KEY_COLUMNS = ["action_id", "party_id", "party_kind", "party_name", "municipality_code"]
# The rule and the formula as the pages state them: status_rule() and plan_count_formula() in the reader's
# language; the constants are the Finnish texts (the export's and the stored page data's language).
STATUS_RULE = catalogue()["followup.status_rule"]["fi"]
PLAN_COUNT_FORMULA = catalogue()["followup.plan_count_formula"]["fi"]
SOURCE_WORDS = {"kysely": "kompassikysely", "kirjaus": "kirjaus"}  # the Finnish words; source_word() translates
ACTION_COLUMNS = ["action_id", "goal_id", "level_id", "owners", "status", "unit_text", "keys", "keys_done",
                  "source", "date", "note", "responsible", "timetable", "recorded_by"]


def status_rule() -> str:
    return t("followup.status_rule")


def plan_count_formula() -> str:
    return t("followup.plan_count_formula")


def source_word(source) -> str:
    """A status source code (kysely, kirjaus) as a word of the reader's language; other values as they are."""
    return value_label("followup.source_word", source)


def owner_keys(actions: pd.DataFrame, owners: pd.DataFrame, parties: pd.DataFrame, municipality_codes,
               hva_code: str | None, liitto_code: str | None) -> pd.DataFrame:
    """Every (action, party key) that answers for an action. owners: action_id, party_id, seq.
    parties: party_id, kind, short_fi, members ('*' or 'code;code'). An action without owners (a catalogue
    that names none) is answered by every municipality, as before owners existed."""
    codes = [str(c) for c in municipality_codes]
    party = parties.set_index("party_id") if len(parties) else None
    rows = []
    owned = set(owners["action_id"]) if len(owners) else set()
    for o in owners.sort_values(["action_id", "seq"]).itertuples() if len(owners) else []:
        if party is None or o.party_id not in party.index:
            continue
        p = party.loc[o.party_id]
        if p["kind"] == "municipalities":
            members = str(p["members"] or "*")
            chosen = codes if members.strip() == "*" else [c for c in members.split(";") if c.strip() in codes]
            rows += [(o.action_id, o.party_id, p["kind"], p["short_fi"], c.strip()) for c in chosen]
        elif p["kind"] == "hva" and hva_code:
            rows.append((o.action_id, o.party_id, p["kind"], p["short_fi"], hva_code))
        elif p["kind"] == "liitto" and liitto_code:
            rows.append((o.action_id, o.party_id, p["kind"], p["short_fi"], liitto_code))
    for action_id in actions["action_id"]:
        if action_id not in owned:
            rows += [(action_id, "kunnat", "municipalities", "kunnat", c) for c in codes]
    return pd.DataFrame(rows, columns=KEY_COLUMNS).drop_duplicates(["action_id", "municipality_code"])


def owner_matrix(status: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Every owner key of every action with its status (latest_action_status rows; missing -> ei vastausta).
    A status recorded for a party that does not answer for the action is not counted."""
    out = keys.merge(status, on=["action_id", "municipality_code"], how="left")
    out["status"] = out["status"].fillna(NO_ANSWER)
    for col in ("source", "note", "recorded_by", "responsible", "timetable"):
        if col in out:  # as a stored copy reads them back: text (missing = NaN), or None when all missing
            out[col] = out[col].astype("str") if out[col].notna().any() else \
                pd.Series([None] * len(out), index=out.index, dtype=object)
    return out


def combine(statuses) -> str:
    """One action's status over its owner keys (STATUS_RULE)."""
    s = list(statuses)
    if not s:
        return NO_ANSWER
    if all(x == YES for x in s):
        return YES
    if all(x == NO_ANSWER for x in s):
        return NO_ANSWER
    if not any(x in (YES, PARTLY) for x in s):
        return NO
    return PARTLY


def unit_text(part: pd.DataFrame) -> str:
    """The action in its own unit: one phrase per owner party, in owner order."""
    phrases = []
    for (_, kind, name), rows in part.groupby(["party_id", "party_kind", "party_name"], sort=False):
        if kind == "municipalities":
            done = int(rows["status"].eq(YES).sum())
            phrases.append(t("followup.municipalities_done", done=done, total=len(rows)) if name == "kunnat" else
                           t("followup.municipalities_done_party", done=done, total=len(rows), party=name))
        else:
            phrases.append(f"{name}: {value_label('status', rows['status'].iloc[0])}")
    return " · ".join(phrases)


def _source(part: pd.DataFrame) -> tuple[str, object]:
    answered = part[part["status"] != NO_ANSWER].dropna(subset=["date"]) if "date" in part else part.iloc[0:0]
    if answered.empty:
        return value_label("status", NO_ANSWER), None
    latest = pd.to_datetime(answered["date"]).max()
    kinds = [source_word(s) for s in sorted(answered["source"].dropna().unique())]
    return f"{' + '.join(kinds)} {fi_date(latest)}", latest


def action_rows(matrix: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    """One row per action of the plan (ACTION_COLUMNS): owners, its own status, its unit text, the source and
    date of its newest status, and the newest record's note, responsible person and timetable."""
    out = []
    by_action = dict(iter(matrix.groupby("action_id", sort=False))) if len(matrix) else {}
    for a in actions.itertuples():
        part = by_action.get(a.action_id)
        if part is None:
            out.append((a.action_id, a.goal_id, a.level_id, "", NO_ANSWER, "–", 0, 0, t("followup.no_owner"), None,
                        None, None, None, None))
            continue
        source, latest = _source(part)
        records = part[part.get("source", pd.Series(index=part.index, dtype=object)) == "kirjaus"] \
            if "source" in part else part.iloc[0:0]
        newest = records.sort_values("date").iloc[-1] if len(records) else None

        def field(name):
            value = newest.get(name) if newest is not None else None
            return None if value is None or (isinstance(value, float) and pd.isna(value)) else value

        owners = " · ".join(dict.fromkeys(t("followup.municipalities") if n == "kunnat" else n
                                          for n in part["party_name"]))
        out.append((a.action_id, a.goal_id, a.level_id, owners, combine(part["status"]), unit_text(part),
                    len(part), int(part["status"].eq(YES).sum()), source, latest, field("note"),
                    field("responsible"), field("timetable"), field("recorded_by")))
    return pd.DataFrame(out, columns=ACTION_COLUMNS)


def plan_counts(rows: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Counts of action_rows by their own status (per `by`, e.g. ["goal_id"]; None: the whole plan):
    actions, done, partly, no, no_answer, open."""
    by = by or []
    r = rows.assign(done=rows["status"].eq(YES), partly=rows["status"].eq(PARTLY), no=rows["status"].eq(NO),
                    no_answer=rows["status"].eq(NO_ANSWER))
    if by:
        out = r.groupby(by, as_index=False).agg(actions=("action_id", "size"), done=("done", "sum"),
                                                partly=("partly", "sum"), no=("no", "sum"),
                                                no_answer=("no_answer", "sum"))
    else:
        out = pd.DataFrame([{"actions": len(r), "done": int(r["done"].sum()), "partly": int(r["partly"].sum()),
                             "no": int(r["no"].sum()), "no_answer": int(r["no_answer"].sum())}])
    out["open"] = out["actions"] - out["done"]
    return out


def count_text(done: int, actions: int, partly: int, no: int, no_answer: int) -> str:
    return t("followup.count_text", done=done, actions=actions, partly=partly, no=no, no_answer=no_answer)


def status_order(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)

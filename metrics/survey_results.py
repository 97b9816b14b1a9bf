"""Compass survey results: pure functions over DataFrames (no database, no Streamlit).

Input `answers` is one row per respondent and question of the active survey rows:
    year, municipality_code, respondent_role, submitted_at, row_number, load_id, question_id, answer, is_demo
(`readmodel.survey.ANSWER_ROWS_SQL` is the query that produces it.)

Rules:
- yes/no items are counted per municipality ("12/19 kuntaa"). A municipality that did not answer
  counts as "ei vastausta", never as "ei". If a municipality's respondents disagree, its answer is
  the most recently submitted definite answer (kyllä/ei), else "eos" if someone said so, and the
  row is flagged `ristiriita`.
- HVA rows (municipality_code = the HVA's code) are kept apart: they answer the HVA's own items
  and form their own group in the scale breakdowns; they are never one of the 19 municipalities.
- scale items are %-distributions over the respondents who answered (categories 1..5 and
  en osaa sanoa), with n. Groups of fewer than MIN_GROUP_SIZE respondents are not shown
  separately: they are merged into "muut", and if "muut" would still be too small the next-smallest
  groups are merged into it too (so no small group can be recovered by subtraction from the total).
  An item with fewer than MIN_GROUP_SIZE respondents in all is suppressed with a note.
"""
from __future__ import annotations

import os

import pandas as pd

from common.i18n import catalogue, t, value_label

MIN_GROUP_SIZE = 5
YES_NO_CATEGORIES = ("kyllä", "ei", "eos", "ei vastausta")
SCALE_CATEGORIES = ("1", "2", "3", "4", "5", "0")
# The labels and group names below are the Finnish ones; the functions (yes_no_label, scale_label, the group
# functions) give them in the reader's language (common/strings/values.toml answer.*, plan_survey.toml survey.*).
YES_NO_LABELS = {c: catalogue()[f"answer.{c}"]["fi"] for c in YES_NO_CATEGORIES}
SCALE_LABELS = {**{c: c for c in SCALE_CATEGORIES[:5]}, "0": YES_NO_LABELS["eos"]}
OTHERS = catalogue()["survey.others"]["fi"]
TOTAL = catalogue()["survey.total"]["fi"]
HVA_GROUP = catalogue()["survey.hva_group"]["fi"]
UNKNOWN_ROLE = catalogue()["survey.unknown_role"]["fi"]


def yes_no_label(answer: str) -> str:
    """kyllä / ei / eos / ei vastausta as the reader reads it ("Kyllä", "En osaa sanoa" …)."""
    return value_label("answer", answer)


def scale_label(category: str) -> str:
    """A scale category: 1..5 as the number, 0 as "En osaa sanoa"."""
    return value_label("answer", "eos") if category == "0" else str(category)

def min_group_size() -> int:
    """MIN_GROUP_SIZE, or env TILANNEKUVA_MIN_GROUP when it is an integer of at least 1."""
    raw = os.environ.get("TILANNEKUVA_MIN_GROUP", "").strip()
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    return MIN_GROUP_SIZE


# ---------------------------------------------------------------- yes / no


def municipality_answers(answers: pd.DataFrame, question_id: str, year: int,
                         municipalities: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality: code, name_fi, answer (kyllä/ei/eos/ei vastausta), respondents, ristiriita.

    A municipality's answer is its latest definite one (kyllä/ei, by submitted_at, load, row), else eos,
    else 'ei vastausta'; ristiriita when its definite answers differ. Grouped once, not filtered per
    municipality: the page asks this ~50 times per survey year, and the per-municipality loop was most of
    the Kompassikysely page's time (issue 17)."""
    munis = municipalities[["code", "name_fi"]].drop_duplicates("code").sort_values("name_fi")
    rows = answers[(answers["question_id"] == question_id) & (answers["year"] == year)
                   & answers["municipality_code"].isin(munis["code"]) & answers["answer"].notna()]
    by_code = rows.groupby("municipality_code")
    definite = rows[rows["answer"].isin(["kyllä", "ei"])]
    latest = (definite.sort_values(["submitted_at", "load_id", "row_number"], na_position="first", kind="stable")
              .groupby("municipality_code")["answer"].last())
    conflict = definite.groupby("municipality_code")["answer"].nunique() > 1
    eos = set(rows.loc[rows["answer"] == "eos", "municipality_code"])
    sizes = by_code.size()
    codes = munis["code"]
    answer = [latest.get(c, "eos" if c in eos else "ei vastausta") for c in codes]
    return pd.DataFrame({"code": codes.to_numpy(), "name_fi": munis["name_fi"].to_numpy(), "answer": answer,
                         "respondents": [int(sizes.get(c, 0)) for c in codes],
                         "ristiriita": [bool(conflict.get(c, False)) for c in codes]},
                        columns=["code", "name_fi", "answer", "respondents", "ristiriita"])


def count_answers(per_municipality: pd.DataFrame) -> dict[str, int]:
    counts = per_municipality["answer"].value_counts()
    return {c: int(counts.get(c, 0)) for c in YES_NO_CATEGORIES}


def yes_label(counts: dict[str, int], total: int) -> str:
    return t("followup.municipalities_done", done=counts["kyllä"], total=total)


def hva_answer(answers: pd.DataFrame, question_id: str, year: int, hva_code: str) -> str:
    """The HVA's own answer to an HVA item: latest definite, else eos, else 'ei vastausta'."""
    rows = answers[(answers["question_id"] == question_id) & (answers["year"] == year)
                   & (answers["municipality_code"] == hva_code) & answers["answer"].notna()]
    definite = rows[rows["answer"].isin(["kyllä", "ei"])]
    if not definite.empty:
        return str(definite.sort_values(["submitted_at", "load_id", "row_number"], na_position="first").iloc[-1]["answer"])
    return "eos" if (rows["answer"] == "eos").any() else "ei vastausta"


def previous_year(answers: pd.DataFrame, question_id: str, year: int) -> int | None:
    years = answers.loc[(answers["question_id"] == question_id) & (answers["year"] < year)
                        & answers["answer"].notna(), "year"]
    return int(years.max()) if not years.empty else None


def yes_no_summary(answers: pd.DataFrame, questions: pd.DataFrame, municipalities: pd.DataFrame, year: int,
                   hva_code: str) -> pd.DataFrame:
    """One row per yes/no question: counts over municipalities (or the HVA's answer for HVA items),
    the label "12/19 kuntaa" and the change in kyllä from the previous year with data."""
    total = municipalities["code"].nunique()
    out = []
    for q in questions[questions["type"] == "yes_no"].itertuples(index=False):
        row = {"question_id": q.question_id, "text_fi": q.text_fi, "respondent": q.respondent}
        if q.respondent == "hva":
            row.update({"label": yes_no_label(hva_answer(answers, q.question_id, year, hva_code)),
                        "kyllä": None, "ei": None, "eos": None, "ei vastausta": None, "total": None,
                        "previous_year": None, "previous_kyllä": None, "change": None})
            prev = previous_year(answers[answers["municipality_code"] == hva_code], q.question_id, year)
            if prev is not None:
                row["previous_year"] = prev
                row["previous_label"] = yes_no_label(hva_answer(answers, q.question_id, prev, hva_code))
        else:
            counts = count_answers(municipality_answers(answers, q.question_id, year, municipalities))
            row.update(counts)
            row.update({"total": total, "label": yes_label(counts, total)})
            muni_rows = answers[answers["municipality_code"].isin(municipalities["code"])]
            prev = previous_year(muni_rows, q.question_id, year)
            row["previous_year"] = prev
            if prev is not None:
                prev_counts = count_answers(municipality_answers(answers, q.question_id, prev, municipalities))
                row["previous_kyllä"] = prev_counts["kyllä"]
                row["previous_label"] = yes_label(prev_counts, total)
                row["change"] = counts["kyllä"] - prev_counts["kyllä"]
            else:
                row["previous_kyllä"] = row["change"] = None
        out.append(row)
    columns = ["question_id", "text_fi", "respondent", "label", *YES_NO_CATEGORIES, "total",
               "previous_year", "previous_kyllä", "previous_label", "change"]
    return pd.DataFrame(out, columns=columns)


def yes_no_by_area(per_municipality: pd.DataFrame, members: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Counts per service-discussion area (group_category PALVELUALUE): area, kyllä, ei, eos, ei vastausta, total, label."""
    m = members[members["group_category"] == "PALVELUALUE"][["group_code", "member_code"]]
    joined = per_municipality.merge(m, left_on="code", right_on="member_code", how="left")
    joined["group_code"] = joined["group_code"].fillna("")
    names = dict(zip(areas["code"], areas["name_fi"])) if not areas.empty else {}
    out = []
    for code, part in joined.groupby("group_code", sort=True):
        counts = count_answers(part)
        out.append({"area_code": code, "area": names.get(code, code or t("survey.no_area")), **counts,
                    "total": len(part), "label": f"{counts['kyllä']}/{len(part)}"})
    return pd.DataFrame(out, columns=["area_code", "area", *YES_NO_CATEGORIES, "total", "label"])


# ---------------------------------------------------------------- scales


def respondent_groups(answers: pd.DataFrame, by: str | None, members: pd.DataFrame, areas: pd.DataFrame,
                      hva_code: str) -> pd.Series:
    """The group of each answer row: role, service-discussion area, or one group for all."""
    hva_group = t("survey.hva_group")
    if by is None:
        return pd.Series(t("survey.total"), index=answers.index)
    if by == "role":
        roles = answers["respondent_role"].fillna("").astype(str).str.strip()
        roles = roles.where(roles != "", t("survey.unknown_role"))
        return roles.where(answers["municipality_code"] != hva_code, hva_group)
    if by == "area":
        m = members[members["group_category"] == "PALVELUALUE"]
        names = dict(zip(areas["code"], areas["name_fi"])) if not areas.empty else {}
        area_of = {mc: names.get(gc, gc) for gc, mc in zip(m["group_code"], m["member_code"])}
        groups = answers["municipality_code"].map(area_of).fillna(t("survey.no_area"))
        return groups.where(answers["municipality_code"] != hva_code, hva_group)
    raise ValueError(f"unknown grouping {by!r}")


def _merge_small(sizes: pd.Series, min_group: int, others: str) -> tuple[dict[str, str], list[str]]:
    """Map each group to its shown group (`others`, 'muut', for merged ones) and the merged group names."""
    small = sizes[sizes < min_group]
    if small.empty:
        return {g: g for g in sizes.index}, []
    merged = list(small.index)
    shown = sizes[sizes >= min_group].sort_values()
    while sizes[merged].sum() < min_group and not shown.empty:
        merged.append(shown.index[0])
        shown = shown.iloc[1:]
    return {g: (others if g in merged else g) for g in sizes.index}, merged


def scale_distribution(answers: pd.DataFrame, question_id: str, year: int, *, by: str | None = None,
                       members: pd.DataFrame | None = None, areas: pd.DataFrame | None = None,
                       hva_code: str | None = None, min_group: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    """%-distribution of one scale item, overall and per group.

    Returns (table, notes). Table rows: group, n, then one column per category in SCALE_CATEGORIES
    with the share in percent (0–100), and 'keskiarvo' (mean of 1–5, en osaa sanoa excluded).
    The first row is the total over all respondents."""
    min_group = min_group if min_group is not None else min_group_size()
    members = members if members is not None else pd.DataFrame(columns=["group_category", "group_code", "member_code"])
    areas = areas if areas is not None else pd.DataFrame(columns=["code", "name_fi"])
    rows = answers[(answers["question_id"] == question_id) & (answers["year"] == year)
                   & answers["answer"].isin(SCALE_CATEGORIES)].copy()
    columns = ["group", "n", *SCALE_CATEGORIES, "keskiarvo"]
    notes: list[str] = []
    if len(rows) < min_group:
        if len(rows):
            notes.append(t("survey.too_few", min_group=min_group))
        return pd.DataFrame(columns=columns), notes
    tables = [_distribution(rows, t("survey.total"))]
    if by is not None:
        others = t("survey.others")
        rows["group"] = respondent_groups(rows, by, members, areas, hva_code)
        sizes = rows.groupby("group").size()
        mapping, merged = _merge_small(sizes, min_group, others)
        if merged:
            notes.append(t("survey.merged", min_group=min_group, others=others, groups=", ".join(sorted(merged))))
        rows["group"] = rows["group"].map(mapping)
        order = [g for g in sizes.sort_index().index if mapping[g] == g]
        if merged:
            order.append(others)
        for group in order:
            tables.append(_distribution(rows[rows["group"] == group], group))
    return pd.DataFrame(tables, columns=columns), notes


def _distribution(rows: pd.DataFrame, group: str) -> dict:
    n = len(rows)
    counts = rows["answer"].value_counts()
    out = {"group": group, "n": n}
    for c in SCALE_CATEGORIES:
        out[c] = 100.0 * int(counts.get(c, 0)) / n if n else 0.0
    rated = pd.to_numeric(rows.loc[rows["answer"] != "0", "answer"])
    out["keskiarvo"] = float(rated.mean()) if len(rated) else None
    return out


def scale_long(table: pd.DataFrame) -> pd.DataFrame:
    """The distribution table as long rows (group, n, category label, percent) for charts and downloads."""
    rows = []
    for rec in table.to_dict("records"):
        for c in SCALE_CATEGORIES:
            rows.append({"group": rec["group"], "n": rec["n"], "category": scale_label(c), "percent": rec[c]})
    return pd.DataFrame(rows, columns=["group", "n", "category", "percent"])


def open_answers(answers: pd.DataFrame, question_id: str, min_group: int | None = None) -> tuple[list[str], str | None]:
    """The free-text answers to one question (answers: question_id, answer, …; one year), for logged-in
    coordinators only: the texts in a stable order without who wrote them, or none with a note when fewer
    than min_group respondents answered (as scale groups are suppressed)."""
    min_group = min_group_size() if min_group is None else min_group
    texts = answers.loc[answers["question_id"] == question_id, "answer"].dropna().astype(str).str.strip()
    texts = sorted(text for text in texts if text)
    if len(texts) < min_group:
        return [], t("survey.open_too_few", count=len(texts), min_group=min_group) if texts else None
    return texts, None

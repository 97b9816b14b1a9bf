"""Saavutettavuusseloste — the accessibility statement (laki 306/2019), every fact from data."""
import pandas as pd
import streamlit as st

from common.format import fi_datetime, fi_int
from readmodel import accessibility
from ui import data
from ui.safe import md
from common.i18n import t
from ui.html_table import show_table

st.title(t("page_accessibility"))
facts = data.get(accessibility.statement)
evaluation = facts["evaluation"]

st.markdown(t("a11y_intro", provider=md(facts["provider"])))
st.header(t("a11y_state"))
st.markdown(t("a11y_conformance", conformance=facts["conformance"]))
if facts["gaps"].empty:
    st.markdown(t("a11y_no_gaps"))
else:
    st.markdown(t("a11y_gaps_intro"))
    show_table(pd.DataFrame({t("a11y_page.col_criterion"): facts["gaps"]["criterion"],
                             t("a11y_page.col_gap"): facts["gaps"]["gap"],
                             t("a11y_page.col_workaround"): facts["gaps"]["workaround"]}), t("a11y_gaps_intro"))

st.header(t("a11y_evaluation"))
if not evaluation:
    st.info(t("a11y_not_evaluated"))
else:
    pages = evaluation.get("pages", {})
    st.markdown(t("a11y_evaluated", when=fi_datetime(evaluation["evaluated_at"]), tool=md(evaluation.get("tool", "–")),
                  pages=fi_int(len(pages)),
                  blocking=fi_int(sum(int(p.get("blocking", 0)) for p in pages.values())),
                  other=fi_int(sum(int(p.get("other", 0)) for p in pages.values()))))
    checks = facts["checks"]
    if checks:
        show_table(pd.DataFrame({t("a11y_page.col_check"): [c["name"] for c in checks],
                                 t("a11y_page.col_result"): [t("a11y_page.passed") if c["passed"] else t("a11y_page.failed")
                                                             for c in checks],
                                 t("a11y_page.col_pages"): [c["pages"] for c in checks]}), t("a11y_evaluation"))

st.header(t("a11y_feedback"))
st.markdown(md(facts["feedback"]) or t("a11y_no_feedback"))
if facts["supervisor"]:
    st.markdown(md(facts["supervisor"]))
st.caption(t("a11y_sources"))

"""Tietolähteet — every source with licence and citation, freshness, the load log, area memberships."""
import pandas as pd
import streamlit as st

from common.format import fi_date, fi_datetime, fi_int
from readmodel import page_data, sources, view_data
from ui import data
from ui.layout import page_demo_banner, region_facts
from ui.safe import md
from common.i18n import language, t, value_label
from ui.html_table import show_table
from ui.tables import download_buttons, opened_expander

LATEST_LOADS = 10
SOTKANET = "https://sotkanet.fi/"  # the metadata column links to THL's own pages only

st.title(t("page_sources"))
is_demo = page_demo_banner()
share = data.get(page_data.demo_share)

dep = region_facts()
st.header(t("sources.licences_heading"))
st.markdown("\n".join([
    t("sources.licence_sotkanet"),
    t("sources.licence_survey", survey_owner=md(dep.survey_owner)),
    t("sources.licence_plan", plan=md(dep.plan_name) or t("sources.plan_fallback"), parties=md(dep.parties)),
    t("sources.licence_geometry"),
]))
st.metric(t("sources.demo_share"),
          f"{fi_int(share['observations_demo'])} / {fi_int(share['observations'])}",
          help=t("sources.demo_share_help"))

st.markdown((t("sources.demo_in_use") if is_demo else t("sources.all_real")) + " "
            + t("sources.survey_demo_share", demo=fi_int(share["survey_demo"]), total=fi_int(share["survey"])))

st.header(t("page_admin"))
st.markdown(t("sources.admin_text"))
st.page_link("pages/yllapito.py", label=t("sources.admin_link"), icon=":material/lock:")
# The commands stay as they are; their explanations are in the reader's language.
COMMANDS = [("python -m data_sources refresh", "refresh"), ("python -m data_sources survey TIEDOSTO", "survey"),
            ("python -m data_sources geometry --file F.json", "geometry"),
            ("python -m data_sources snapshot save --name N", "snapshot"),
            ("python -m data_sources changes --out KANSIO", "changes"),
            ("python -m data_sources take-home --party all --out KANSIO", "take_home"),
            ("python -m data_sources demo", "demo")]
with st.expander(t("sources.commands")):
    st.code("\n".join(f"{command.ljust(45)}  # {t(f'sources.command.{key}')}" for command, key in COMMANDS),
            language="bash")

st.header(t("sources.indicators_heading"))
table = data.get(sources.indicator_loads)
demo_real = {True: t("sources.dataset_demo"), False: t("sources.dataset_real")}
metadata = t("sources.col.metadata")
# HTML, not st.dataframe: read (and printed) more than sorted; the frame scrolls when the catalogue is long.
show_table(pd.DataFrame({
    t("sources.col.id"): table["id"], t("col_indicator"): table["title_fi"],
    t("sources.col.producer"): table["organisation"].fillna("–"),
    t("sources.col.updated"): [fi_date(d) if pd.notna(d) else "–" for d in table["data_updated"]],
    t("sources.col.last_load"): [fi_datetime(d) if pd.notna(d) else "–" for d in table["last_load"]],
    t("sources.col.rows"): [fi_int(r) for r in table["rows"].fillna(0)],
    t("sources.col.years"): [f"{int(a)}–{int(b)}" if pd.notna(a) else "–"
                             for a, b in zip(table["first_year"], table["last_year"])],
    t("sources.col.dataset"): [demo_real[bool(d)] if pd.notna(d) else "–" for d in table["is_demo"]],
    t("sources.col.licence"): table["licence"].fillna("–"),
    t("sources.col.direction"): table["direction"].map(lambda d: value_label("direction", d)),
    t("sources.col.direction_reason"): table["direction_reason"],
    metadata: table["metadata_url"].fillna("").str.replace("/sotkanet/fi/", f"/sotkanet/{language()}/", regex=False),
}), t("sources.indicators_heading"), row_headers=False, links={metadata: SOTKANET}, max_height="32rem",
           min_width="84rem")

st.header(t("sources.load_log_heading"))
log = data.get(sources.load_log)
log = log.assign(source=log["source"].map(lambda s: value_label("load_source", s)),
                 status=log["status"].map(lambda s: value_label("load_status", s)),
                 started_at=[fi_datetime(d) if pd.notna(d) else "–" for d in log["started_at"]],
                 finished_at=[fi_datetime(d) if pd.notna(d) else "–" for d in log["finished_at"]],
                 rows=[fi_int(r) if pd.notna(r) else "–" for r in log["rows"]],
                 is_demo=[demo_real[bool(d)] for d in log["is_demo"]]).rename(columns={
    "load_id": "#", "source": t("sources.col.source"), "target": t("sources.col.target"), "status": t("col_status"),
    "started_at": t("sources.col.started"), "finished_at": t("sources.col.finished"), "rows": t("sources.col.rows"),
    "is_demo": t("sources.col.dataset"), "message": t("sources.col.message"), "licence": t("sources.col.licence")})
# The newest loads answer "is it fresh?"; the whole log (up to 200 loads) is for the data team to sort and search.
show_table(log.head(LATEST_LOADS), t("sources.load_log_heading"), min_width="60rem")
if len(log) > LATEST_LOADS:
    st.caption(t("sources.load_log_latest", shown=LATEST_LOADS, total=fi_int(len(log))))
    if box := opened_expander(t("sources.load_log_all"), key="sources_load_log_all"):
        box.dataframe(log, hide_index=True, width="stretch")
items = data.get(sources.load_items)
if len(items):
    if box := opened_expander(t("sources.load_items"), key="sources_load_items"):
        box.dataframe(items.rename(columns={
            "load_id": "#", "item": t("sources.col.item"), "status": t("col_status"), "rows": t("sources.col.rows"),
            "data_updated": t("sources.col.updated"), "message": t("sources.col.message")}),
            hide_index=True, width="stretch")

st.header(t("sources.geometry_heading"))
geo_count = data.get(sources.geometry_count)
geo_src = data.get(view_data.geometry_source)
if geo_count:
    st.markdown(t("sources.geometry_loaded", count=geo_count, target=md(geo_src["target"]) if geo_src else "–",
                  when=fi_datetime(geo_src["finished_at"]) if geo_src else "–",
                  licence=md(geo_src["licence"]) if geo_src else "CC BY 4.0"))
else:
    st.markdown(t("sources.geometry_missing"))
snaps = data.get(view_data.snapshot_list)
if len(snaps):
    show_table(pd.DataFrame({"#": snaps["snapshot_id"], t("sources.col.snapshot"): snaps["name"],
                             t("sources.col.saved"): [fi_datetime(d) for d in snaps["created_at"]]}),
               t("sources.col.snapshot"))
else:
    st.caption(t("sources.no_snapshots"))

st.header(t("sources.areas_heading"))
members = data.get(page_data.members)
notes = data.get(sources.area_notes)
st.markdown((md(notes["note"]) + " " if notes["note"] else "") + t("sources.areas_file", file=notes["file"]))
categories = {code: t(f"sources.category.{code}") for code in ("PALVELUALUE", "TYP_ALUE")}
memberships = {code: t(f"sources.membership.{code}") for code in ("verified", "assumed")}
show_table(pd.DataFrame({
    t("sources.col.category"): members["group_category"].map(categories),
    t("col_region"): members["group_name"], t("sources.col.municipality"): members["member_name"],
    t("col_status"): members["status"].map(memberships), t("sources.col.source"): members["source"],
}), t("sources.areas_heading"))
download_buttons(members, t("export.file_areas"))

"""Trendit — analysts pick indicators, regions and years freely; line chart, table, download."""
import streamlit as st

from common.format import fi_number
from readmodel import page_data
from readmodel.rules import index_to_base_year
from ui import data
from ui.charts import line_chart
from ui.layout import (
    page_demo_banner,
    query_param,
    region_facts,
    set_query_param,
    source_caption,
)
from common.i18n import has, t, value_label
from ui.tables import download_buttons, opened_expander

st.title(t("page_trends"))
page_demo_banner()

inds = data.get(page_data.indicators)
regions = data.get(page_data.regions)
titles = dict(zip(inds["id"].astype(int), inds["title_fi"]))


def category_name(category: str) -> str:
    """The region category in the reader's language (values.toml; the TYP areas' own word here)."""
    if category == "TYP_ALUE" and not has("category.TYP_ALUE"):
        return t("trends.category_typ")
    return value_label("category", category)


dep = region_facts()
default_regions = [":".join(dep.hva), ":".join(dep.country), f"KUNTA:{dep.default_municipality}"]
region_keys = [f"{c}:{k}" for c, k in zip(regions["category"], regions["code"])]
region_label = {f"{c}:{k}": f"{n} ({category_name(c)})" for c, k, n in zip(regions["category"], regions["code"], regions["name_fi"])}


def from_url(name: str, valid: list, default: list) -> list:
    raw = query_param(name)
    chosen = [v for v in (raw or "").split(",") if v in valid] if raw else []
    return chosen or default


ind_keys = [str(i) for i in titles]
chosen_inds = st.multiselect(t("trends.indicators"), ind_keys, default=from_url("indikaattorit", ind_keys, ["181"] if "181" in ind_keys else ind_keys[:1]),
                             format_func=lambda i: f"{titles[int(i)]} ({i})", max_selections=8)
chosen_regions = st.multiselect(t("trends.regions"), region_keys, default=from_url("alueet", region_keys, [r for r in default_regions if r in region_keys]),
                                format_func=lambda r: region_label[r], max_selections=25)
first, last = data.get(page_data.data_years)


def years_from_url() -> tuple[int, int]:
    raw = query_param("vuodet", "")
    try:
        a, b = (int(x) for x in raw.split("-", 1))
        a, b = max(first, min(a, last)), max(first, min(b, last))
        if a <= b:
            return a, b
    except ValueError:
        pass
    return max(first, last - 14), last


years = st.slider(t("trends.years"), first, last, years_from_url(), key="trend_years")
modes = {"absoluuttinen": t("trends.mode_absolute"), "indeksi": t("trends.mode_index")}
mode = st.radio(t("trends.mode"), list(modes), horizontal=True, format_func=modes.get,
                index=1 if query_param("esitys") == "indeksi" else 0, key="trend_mode")
base_year = None
if mode == "indeksi":
    base_options = list(range(years[0], years[1] + 1))
    try:
        wanted_base = int(query_param("perusvuosi", years[0]))
    except ValueError:
        wanted_base = years[0]
    base_year = st.selectbox(t("trends.base_year"), base_options,
                             index=base_options.index(wanted_base) if wanted_base in base_options else 0, key="trend_base")
genders = {"total": t("trends.gender_total"), "male": t("trends.gender_male"), "female": t("trends.gender_female")}
gender = st.radio(t("trends.gender"), list(genders), horizontal=True, format_func=genders.get,
                  index=list(genders).index(query_param("sukupuoli")) if query_param("sukupuoli") in genders else 0,
                  key="trend_gender", help=t("trends.gender_help"))
set_query_param("indikaattorit", ",".join(chosen_inds) or None)
set_query_param("alueet", ",".join(chosen_regions) or None)
set_query_param("vuodet", f"{years[0]}-{years[1]}" if years != (max(first, last - 14), last) else None)
set_query_param("esitys", "indeksi" if base_year else None)
set_query_param("perusvuosi", base_year if base_year and base_year != years[0] else None)
set_query_param("sukupuoli", gender if gender != "total" else None)

if not chosen_inds or not chosen_regions:
    st.info(t("trends.choose"))
    st.stop()

wanted = [tuple(r.split(":", 1)) for r in chosen_regions]
series = data.get(page_data.observations, wanted, [int(i) for i in chosen_inds], years[1], gender, years[0])
if series.empty:
    st.info(f"{t('no_data')} ({t('trends.gender_help')})")
    st.stop()
series = series.assign(alue=[region_label[f"{c}:{k}"] for c, k in zip(series["region_category"], series["region_code"])])
if base_year:
    series = index_to_base_year(series, base_year)

for ind in chosen_inds:
    part = series[series["indicator_id"] == int(ind)]
    meta = inds[inds["id"] == int(ind)].iloc[0]
    unit = value_label("unit", "indeksi") if base_year else (meta["unit"] or "")
    decimals = 1 if base_year else int(meta["decimals"])
    if part.empty:
        st.info(t("trends.no_data_for_choice", title=meta["title_fi"], gender=genders[gender]))
        continue
    suffix = t("trends.index_suffix", year=base_year) if base_year else ""
    st.plotly_chart(line_chart(part, "year", "value", "alue", f"{meta['title_fi']} ({years[0]}–{years[1]}{suffix})", unit, decimals),
                    width="stretch", key=f"trend_chart_{ind}")
    st.caption(t("trends.chart_caption", unit=unit, first=years[0], last=years[1], gender=genders[gender]))
    source_caption(part.assign(data_updated=meta["data_updated"], licence=meta["licence"]))
    if box := opened_expander(t("layout.as_table"), key=f"trend_table_{ind}"):
        wide = part.pivot_table(index="alue", columns="year", values="value").rename_axis(t("export.region"))
        box.dataframe(wide.map(lambda v: fi_number(v, decimals)).rename(columns=str), width="stretch")

download = series.assign(indikaattori=series["indicator_id"].map(lambda i: titles[int(i)]))[
    ["indicator_id", "indikaattori", "region_category", "region_code", "alue", "gender", "year", "value", "abs_value", "is_demo"]]
download = download.rename(columns={"indikaattori": t("export.indicator"), "alue": t("export.region")})
st.subheader(t("trends.download"))
download_buttons(download, t("export.file_trends"), key="trendit")

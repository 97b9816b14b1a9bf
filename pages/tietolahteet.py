"""Tietolähteet — every source with licence and citation, freshness, the load log, area memberships."""
import pandas as pd
import streamlit as st

from common.format import fi_date, fi_datetime, fi_int
from readmodel import page_data, sources, view_data
from ui import data
from ui.layout import page_demo_banner, region_facts
from ui.safe import md
from common.i18n import t
from ui.tables import download_buttons

st.title(t("page_sources"))
is_demo = page_demo_banner()
share = data.get(page_data.demo_share)

dep = region_facts()
st.header("Lähteet ja lisenssit")
st.markdown(
    "- **THL, Sotkanet.fi** — hyvinvointi-indikaattorit (REST-rajapinta). THL:n tuottamat tiedot: CC BY 4.0. "
    "Muiden tuottajien (Tilastokeskus, TEM, ETK, Kela …) indikaattorit tuottajan käyttöehdoin. "
    "Viittaus: *Lähde: THL, Sotkanet.fi, indikaattori N, päivitetty pp.kk.vvvv.*\n"
    f"- **Kompassikysely** — {md(dep.survey_owner)}: vuosittainen kysely kunnille (suunnitelman seuranta).\n"
    f"- **{md(dep.plan_name) or 'Suunnitelma'}** — {md(dep.parties)}: tavoitteet, toimenpiteet ja mittarit.\n"
    "- **Kuntarajat** (kun ladattu) — Tilastokeskus / Maanmittauslaitos, CC BY 4.0."
)
st.metric("Esimerkkiaineiston osuus indikaattoririveistä (is_demo)",
          f"{fi_int(share['observations_demo'])} / {fi_int(share['observations'])}",
          help="Esimerkkirivit korvautuvat todellisilla, kun indikaattori ladataan Sotkanetista.")

st.markdown(("**Esimerkkiaineisto on käytössä** — sivujen luvut eivät ole todellisia, kunnes indikaattorit ladataan Sotkanetista."
             if is_demo else "Kaikki näytettävät luvut ovat ladattuja todellisia tietoja.")
            + f" Kompassikyselyn vastauksista esimerkkejä {fi_int(share['survey_demo'])} / {fi_int(share['survey'])}.")

st.header("Ylläpito")
st.markdown("Tietojen lataus (Sotkanet, kompassikysely, toimenpiteiden tilat, kuntarajat) ja kuntafoorumin tilannekuvan "
            "tallennus vaativat kirjautumisen. Samat toiminnot ovat komentorivillä: `python -m data_sources --help`.")
st.page_link("pages/yllapito.py", label="Siirry Ylläpito-sivulle (kirjautuminen)", icon=":material/lock:")
with st.expander("Tietotiimin komennot (palvelimella)"):
    st.code("python -m data_sources refresh                 # kuukausittainen päivitys: Sotkanet, johdetut tiedot, muutoskooste\n"
            "python -m data_sources survey TIEDOSTO         # kompassikyselyn vastaukset\n"
            "python -m data_sources geometry --file F.json  # kuntarajat (Vertailu-sivun kartta)\n"
            "python -m data_sources snapshot save --name N  # kuntafoorumin tilannekuva\n"
            "python -m data_sources changes --out KANSIO    # muutoshälytykset Atom- ja CSV-tiedostoina\n"
            "python -m data_sources take-home --party all --out KANSIO  # koosteet ja kalvot kaikille osapuolille\n"
            "python -m data_sources demo                    # esimerkkitietokanta (ei todellisia lukuja)",
            language="bash")

st.header("Indikaattorit")
table = data.get(sources.indicator_loads)
st.dataframe(pd.DataFrame({
    "Id": table["id"], "Indikaattori": table["title_fi"], "Tuottaja": table["organisation"].fillna("–"),
    "Päivitetty (Sotkanet)": [fi_date(d) if pd.notna(d) else "–" for d in table["data_updated"]],
    "Viimeisin lataus": [fi_datetime(d) if pd.notna(d) else "–" for d in table["last_load"]],
    "Rivejä": table["rows"].fillna(0).astype(int),
    "Vuodet": [f"{int(a)}–{int(b)}" if pd.notna(a) else "–" for a, b in zip(table["first_year"], table["last_year"])],
    "Aineisto": ["ESIMERKKI" if d else "todellinen" if pd.notna(d) else "–" for d in table["is_demo"]],
    "Lisenssi": table["licence"].fillna("–"),
    "Suunta": table["direction"], "Suunnan peruste": table["direction_reason"],
    "Metatiedot": table["metadata_url"].where(table["metadata_url"].fillna("").str.startswith("https://"), None),
}), hide_index=True, width="stretch",
    column_config={"Metatiedot": st.column_config.LinkColumn("Metatiedot", display_text="sotkanet.fi")})

st.header("Latausloki")
log = data.get(sources.load_log)
st.dataframe(log.rename(columns={"load_id": "#", "source": "Lähde", "target": "Kohde", "status": "Tila", "started_at": "Alkoi",
                                 "finished_at": "Päättyi", "rows": "Rivejä", "is_demo": "Esimerkki", "message": "Viesti",
                                 "licence": "Lisenssi"}), hide_index=True, width="stretch")
items = data.get(sources.load_items)
if len(items):
    with st.expander("Latausten kohdekohtaiset rivit (indikaattorit, tiedostot)"):
        st.dataframe(items, hide_index=True, width="stretch")

st.header("Kuntarajat ja tallennetut tilannekuvat")
geo_count = data.get(sources.geometry_count)
geo_src = data.get(view_data.geometry_source)
if geo_count:
    st.markdown(f"Kuntarajat ladattu: **{geo_count} kuntaa** ({md(geo_src['target']) if geo_src else '–'}, "
                f"{fi_datetime(geo_src['finished_at']) if geo_src else '–'}). Lisenssi: {md(geo_src['licence']) if geo_src else 'CC BY 4.0'}. "
                "Viittaus: *Kuntarajat: © Maanmittauslaitos / Tilastokeskus, CC BY 4.0.*")
else:
    st.markdown("Kuntarajoja ei ole ladattu: Vertailu-sivu näyttää ruutukartan. Lataa rajat: "
                "`python -m data_sources geometry --file kuntarajat.json [--code-property NATCODE]` "
                "(Tilastokeskuksen / MML:n avoimet kuntarajat, CC BY 4.0).")
snaps = data.get(view_data.snapshot_list)
if len(snaps):
    st.dataframe(pd.DataFrame({"#": snaps["snapshot_id"], "Kuntafoorumin tilannekuva": snaps["name"],
                               "Tallennettu": [fi_datetime(d) for d in snaps["created_at"]]}), hide_index=True, width="stretch")
else:
    st.caption("Ei tallennettuja kuntafoorumin tilannekuvia (python -m data_sources snapshot save --name NIMI).")

st.header("Aluejaot")
members = data.get(page_data.members)
notes = data.get(sources.area_notes)
st.markdown((md(notes["note"]) + " " if notes["note"] else "")
            + f"Jako on aluekansion tiedostossa `{notes['file']}` ja sen voi korjata ilman koodimuutoksia.")
st.dataframe(pd.DataFrame({
    "Luokka": members["group_category"].map({"PALVELUALUE": "palvelukeskustelualue", "TYP_ALUE": "TYP-alue"}),
    "Alue": members["group_name"], "Kunta": members["member_name"],
    "Tila": members["status"].map({"verified": "✔ vahvistettu", "assumed": "? oletettu"}), "Lähde": members["source"],
}), hide_index=True, width="stretch")
download_buttons(members, "aluejaot")

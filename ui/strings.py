"""Every user-facing string of the UI, keyed, so Swedish and English can follow as new columns.

Use t("key", **values). A key missing from a language falls back to Finnish.
"""
from __future__ import annotations

import os

LANGUAGE = os.environ.get("TILANNEKUVA_LANG", "fi")

FI: dict[str, str] = {
    "app_title": "Tilannekuva — {region}",
    "app_caption": "{parties}: yhteinen tilannekuva ({plan})",
    "demo_banner": "Esimerkkiaineisto — ei todellisia lukuja",
    "demo_banner_detail": "Osa tai kaikki tämän sivun luvuista on tuotettu esimerkkiaineiston rakentajalla. "
                          "Mitkä tiedot ovat esimerkkejä ja miten todelliset ladataan: Tietolähteet-sivu.",
    "page_overview": "Tilannekuva",
    "page_municipality": "Kunta",
    "page_area": "Palvelukeskustelualue",
    "page_compare": "Vertailu",
    "page_trends": "Trendit",
    "page_plan": "Tavoitteet ja toimenpiteet",
    "page_year": "Vuosikello",
    "page_survey": "Kompassikysely",
    "page_sources": "Tietolähteet",
    "page_admin": "Ylläpito",
    "page_accessibility": "Saavutettavuusseloste",
    "a11y_intro": "Tämä seloste koskee Tilannekuva-verkkopalvelua. Palvelun tarjoaa {provider}. Seloste perustuu lakiin "
                  "digitaalisten palvelujen tarjoamisesta (306/2019).",
    "a11y_state": "Saavutettavuuden tila",
    "a11y_conformance": "**{conformance}**",
    "a11y_no_gaps": "Tunnettuja saavutettavuuspuutteita ei ole.",
    "a11y_gaps_intro": "Tunnetut puutteet ja miten saman tiedon saa toisin:",
    "a11y_evaluation": "Miten saavutettavuus on arvioitu",
    "a11y_not_evaluated": "Arviointia ei ole vielä tehty tälle versiolle.",
    "a11y_evaluated": "Viimeisin arviointi {when}: automaattinen tarkistus ({tool}, WCAG 2.1 A ja AA) {pages} sivulla; "
                      "vakavia tai kriittisiä havaintoja {blocking}, muita {other}. Lisäksi selaimessa:",
    "a11y_feedback": "Palaute ja valvonta",
    "a11y_no_feedback": "Aluekansio ei nimeä palautekanavaa (region.toml: [accessibility] feedback_fi).",
    "a11y_sources": "Tiedot: aluekansion region.toml [accessibility], data/accessibility/evaluation.json "
                    "(saavutettavuustestin ajo) ja data/accessibility/known_gaps.csv.",
    "sidebar_municipality": "Kunta",
    "sidebar_area": "Palvelukeskustelualue",
    "sidebar_year": "Tarkasteluvuosi",
    "sidebar_year_help": "Viimeisin vuosi, jonka tiedot otetaan mukaan (uudemmat jätetään pois).",
    "footer": "Lähteet: THL, Sotkanet.fi (CC BY 4.0; muiden tuottajien indikaattorit tuottajan ehdoin) · "
              "kompassikysely ({survey_owner}) · {plan}. "
              "Katso Tietolähteet-sivu: lataushetket, lisenssit ja latausloki.",
    "source_caption": "Lähde: THL, Sotkanet.fi, ind. {ids}; päivitetty {updated}; {licence}.",
    "area_all_indicators": "Alueen mittarit",
    "area_demo_weights": "⚠ Esimerkkiaineistoa: osa aluearvoista on väestöpainotettuja arvioita, joiden painot "
                         "(väestö) ovat esimerkkiaineistoa, vaikka jäsenkuntien arvot ovat todellisia.",
    "source_caption_demo": "Lähde: esimerkkiaineisto (ind. {ids}) — ei todellisia lukuja.",
    "goal": "Tavoite {n}",
    "actions_done": "{done}/{total} kuntaa",
    "col_indicator": "Indikaattori",
    "col_region": "Alue",
    "col_latest": "Viimeisin",
    "col_year": "Vuosi",
    "col_unit": "Yksikkö",
    "col_trend": "Kehitys",
    "col_change": "Muutos",
    "col_vs_area": "vs. alue",
    "col_vs_hva": "vs. hyvinvointialue",
    "hva_short": "HVA",
    "col_vs_country": "vs. koko maa",
    "col_action": "Toimenpide",
    "col_responsible": "Vastuutaho",
    "col_metrics": "Mittarit",
    "col_status": "Tila",
    "col_level": "Taso",
    "no_data": "Ei tietoja valinnalla.",
    "download_csv": "Lataa CSV",
    "download_xlsx": "Lataa XLSX",
    "compare_counties_heading": "Hyvinvointialueiden vertailu",
    "compare_counties_rank": "**{hva}**: sija **{rank}**/{of} hyvinvointialueesta vuonna {year} ({order}). "
                             "Hyvinvointialueiden mediaani {median}, vaihteluväli {low}–{high} {unit}.",
    "compare_counties_no_rank": "Hyvinvointialueella ei ole arvoa tälle indikaattorille; sijaa ei voi laskea.",
    "compare_counties_source": "Lähde: THL, Sotkanet.fi, ind. {ids}: Sotkanetin hyvinvointialueet (HYVINVOINTIALUE), "
                               "{of} hyvinvointialuetta (Helsingin kaupunki ja Ahvenanmaa eivät ole mukana). "
                               "Vertailualueet näytetään erikseen, ei alueen omissa luetteloissa.",
    "compare_counties_peers": "Vertailualueet",
    "compare_counties_no_peers": "Aluekansio ei nimeä vertailualueita (region.toml: [comparison] peers).",
    "compare_counties_all": "Kaikki hyvinvointialueet taulukkona",
    "missing_db": "Tietokantaa ei löydy. Rakenna se komennolla: python -m data_sources demo",
}

SV: dict[str, str] = {}
EN: dict[str, str] = {}
LANGUAGES = {"fi": FI, "sv": SV, "en": EN}


def t(key: str, **values) -> str:
    table = LANGUAGES.get(LANGUAGE, FI)
    text = table.get(key) or FI[key]
    return text.format(**values) if values else text

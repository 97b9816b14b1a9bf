"""Who the tilannekuva is about: the deployment's HVA, maakunta and country, and what the region folder says
of its plan. Pages read region facts only from here, never from literals."""
from __future__ import annotations

from dataclasses import dataclass

from common.i18n import language, t
from store.config import region_config


@dataclass(frozen=True)
class Deployment:
    region_name: str                # the region folder's [region] name_fi
    hva: tuple[str, str]            # (category, code)
    hva_name: str
    maakunta: tuple[str, str]
    country: tuple[str, str]
    country_name: str
    plan_name: str                  # [plan] name_fi ("" when the folder names none)
    parties: str                    # who agreed on the plan, as one phrase
    survey_owner: str               # who runs the compass survey
    default_municipality: str       # the sidebar's first choice
    municipality_count: int
    area_label: str = "palvelukeskustelualue"   # the kind of area the county works in
    areas_note: str = ""            # how the area memberships were decided (verified / assumed)
    plan_note: str = ""             # what the plan does and does not say
    rhythm: str = ""                # the meeting rhythm the plan states
    area_themes: tuple = ()         # the area page's agenda: (heading, indicator themes); () = all in one


def _first(con, category: str, code: str) -> tuple[str, str] | None:
    """The region of `category`: the folder's own code when the database has it (other counties may be
    stored as comparison regions), else the first one."""
    row = con.execute("SELECT code, name_fi FROM region WHERE category = ? ORDER BY code <> ?, code LIMIT 1",
                      [category, code]).fetchone()
    return (row[0], row[1]) if row else None


def deployment(con) -> Deployment:
    """Codes and names from the database (what the data is about), texts from the region folder, both in the
    reader's language (the read connection's names are localized: readmodel.localized)."""
    config = region_config()
    lang = language()
    hva = _first(con, "HYVINVOINTIALUE", config.hva.code) or (config.hva.code, config.hva.name_fi)
    maakunta = _first(con, "MAAKUNTA", config.maakunta.code) or (config.maakunta.code, config.maakunta.name_fi)
    country = _first(con, "MAA", config.country.code) or (config.country.code, config.country.name_fi)
    munis = [r[0] for r in con.execute("SELECT code FROM own_municipality ORDER BY name_fi").fetchall()]
    default = config.default_municipality if config.default_municipality in munis else (munis[0] if munis else "")
    return Deployment(
        region_name=config.text("region.name", lang, config.name_fi), hva=("HYVINVOINTIALUE", hva[0]),
        hva_name=hva[1], maakunta=("MAAKUNTA", maakunta[0]), country=("MAA", country[0]), country_name=country[1],
        plan_name=config.text("plan.name", lang), parties=config.text("plan.parties", lang) or hva[1],
        survey_owner=config.text("plan.survey_owner", lang) or hva[1], default_municipality=default,
        municipality_count=len(munis),
        area_label=config.text("areas.label", lang) or t("category.PALVELUALUE"),
        areas_note=config.text("areas.note", lang), plan_note=config.text("plan.note", lang),
        rhythm=config.text("plan.rhythm", lang),
        area_themes=tuple((names.get(lang) or names.get("fi", heading), themes) for names, (heading, themes)
                          in zip(config.area_theme_names, config.area_themes)),
    )

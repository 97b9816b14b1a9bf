"""Where things are: the project root, the region folder and the database path."""
from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
REGIONS_DIR = DATA_DIR / "regions"
DEMO_DIR = DATA_DIR / "demo"
REFERENCE_DIR = DATA_DIR / "reference"   # national facts shared by every region (the 21 counties)
ACCESSIBILITY_DIR = DATA_DIR / "accessibility"  # the product's accessibility evaluation and known gaps
DEFAULT_REGION = "pohjois-savo"
DEFAULT_DB = DATA_DIR / "tilannekuva.duckdb"
APP_NAME = "Tilannekuva"
APP_VERSION = "0.1.0"


def db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """The database file: `--db` beats env TILANNEKUVA_DB beats the default under data/."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get("TILANNEKUVA_DB")
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_DB


def region_dir(region_id: str | None = None) -> Path:
    """The region folder: a name under data/regions/ or a path to a folder anywhere
    (argument beats env TILANNEKUVA_REGION beats the default)."""
    region_id = str(region_id or os.environ.get("TILANNEKUVA_REGION") or DEFAULT_REGION)
    is_name = "/" not in region_id and os.sep not in region_id and not region_id.startswith(("~", "."))
    path = REGIONS_DIR / region_id if is_name else Path(region_id).expanduser().resolve()
    if not (path / "region.toml").is_file():
        raise FileNotFoundError(f"Aluekansiota ei löydy: {path} (region.toml puuttuu)")
    return path


@dataclass(frozen=True)
class AreaLevel:
    code: str
    sotkanet_id: int
    name_fi: str
    name_sv: str
    old_sotkanet_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class RegionConfig:
    id: str
    name_fi: str
    folder: Path
    hva: AreaLevel
    maakunta: AreaLevel
    country: AreaLevel
    sotkanet_base_url: str
    contact_url: str
    default_years: str
    name_sv: str = ""
    default_municipality: str = ""
    plan_name_fi: str = ""
    parties_fi: str = ""
    survey_owner_fi: str = ""
    hva_aliases: tuple[str, ...] = ()
    areas_note_fi: str = ""
    areas_label_fi: str = ""           # the kind of area the county works in ("" = service-discussion area)
    plan_note_fi: str = ""             # what the plan does and does not say
    rhythm_fi: str = ""                # the meeting rhythm the plan states
    survey_note_fi: str = ""
    peers: tuple[str, ...] = ()        # peer counties' HVA codes (data/reference/hyvinvointialueet.csv)
    peers_note_fi: str = ""
    accessibility_provider_fi: str = ""   # the accessibility statement's provider and feedback channel
    accessibility_feedback_fi: str = ""
    accessibility_supervisor_fi: str = ""
    # The area page's agenda: (heading, indicator themes under it); () = one heading for all indicators.
    area_themes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Every text of the folder in every language it gives: "plan.name" -> {"fi": …, "sv": …}; the UI reads
    # them through `text` in the reader's language (the *_fi fields above are the Finnish ones).
    texts: dict = field(default_factory=dict, compare=False, hash=False)
    area_theme_names: tuple[dict, ...] = field(default=(), compare=False, hash=False)
    # region.toml [strings]: the folder's own words for UI strings (key -> {"fi": …, "sv": …})
    strings: dict = field(default_factory=dict, compare=False, hash=False)

    def text(self, name: str, language: str, default: str = "") -> str:
        """The folder's text `name` ("plan.name", "accessibility.feedback") in `language`, Finnish when the
        folder has none in it, `default` when it has neither."""
        entry = self.texts.get(name, {})
        return entry.get(language) or entry.get("fi") or default


def _level(raw: dict) -> AreaLevel:
    return AreaLevel(
        code=str(raw["code"]),
        sotkanet_id=int(raw["sotkanet_id"]),
        name_fi=raw["name_fi"],
        name_sv=raw.get("name_sv", ""),
        old_sotkanet_ids=tuple(int(i) for i in raw.get("old_sotkanet_ids", [])),
    )


def region_config(region_id: str | None = None) -> RegionConfig:
    """The region folder's facts; the folder is resolved on every call (TILANNEKUVA_REGION may change in a
    process, e.g. in tests), its files are read once per folder."""
    return _region_config_at(region_dir(region_id))


@lru_cache(maxsize=8)
def _region_config_at(folder: Path) -> RegionConfig:
    raw = tomllib.loads((folder / "region.toml").read_text(encoding="utf-8"))
    return RegionConfig(
        id=raw["region"]["id"],
        name_fi=raw["region"]["name_fi"],
        folder=folder,
        hva=_level(raw["hva"]),
        maakunta=_level(raw["maakunta"]),
        country=_level(raw["country"]),
        sotkanet_base_url=raw["sotkanet"]["base_url"],
        contact_url=raw["sotkanet"]["contact_url"],
        default_years=raw["sotkanet"]["default_years"],
        name_sv=raw["region"].get("name_sv", ""),
        default_municipality=str(raw["region"].get("default_municipality", "")),
        plan_name_fi=raw.get("plan", {}).get("name_fi", ""),
        parties_fi=raw.get("plan", {}).get("parties_fi", ""),
        survey_owner_fi=raw.get("plan", {}).get("survey_owner_fi", ""),
        areas_note_fi=raw.get("areas", {}).get("note_fi", ""),
        hva_aliases=tuple(a.lower() for a in raw.get("survey", {}).get("hva_aliases", [])),
        areas_label_fi=raw.get("areas", {}).get("label_fi", ""),
        plan_note_fi=raw.get("plan", {}).get("note_fi", ""),
        rhythm_fi=raw.get("plan", {}).get("rhythm_fi", ""),
        survey_note_fi=raw.get("survey", {}).get("note_fi", ""),
        peers=tuple(str(c) for c in raw.get("comparison", {}).get("peers", [])),
        peers_note_fi=raw.get("comparison", {}).get("peers_note_fi", ""),
        accessibility_provider_fi=raw.get("accessibility", {}).get("provider_fi", ""),
        accessibility_feedback_fi=raw.get("accessibility", {}).get("feedback_fi", ""),
        accessibility_supervisor_fi=raw.get("accessibility", {}).get("supervisor_fi", ""),
        area_themes=tuple((str(t["name_fi"]), tuple(str(i) for i in t["indicator_themes"]))
                          for t in raw.get("areas", {}).get("themes", [])),
        texts=_texts(raw),
        area_theme_names=tuple(_languages(t, "name") for t in raw.get("areas", {}).get("themes", [])),
        strings={str(k): {str(lang): str(text) for lang, text in v.items()}
                 for k, v in raw.get("strings", {}).items()},
    )


LANGUAGE_SUFFIXES = ("fi", "sv", "en")


def _languages(table: dict, name: str) -> dict[str, str]:
    return {lang: str(table[f"{name}_{lang}"]) for lang in LANGUAGE_SUFFIXES if table.get(f"{name}_{lang}")}


def _texts(raw: dict) -> dict[str, dict[str, str]]:
    """Every `<name>_<language>` string of every section, keyed "section.name"."""
    out: dict[str, dict[str, str]] = {}
    for section, table in raw.items():
        if not isinstance(table, dict):
            continue
        for key, value in table.items():
            base, _, lang = key.rpartition("_")
            if lang in LANGUAGE_SUFFIXES and base and isinstance(value, str):
                out.setdefault(f"{section}.{base}", {})[lang] = value
    return out


@dataclass(frozen=True)
class County:
    code: str
    sotkanet_id: int
    name_fi: str
    is_county: bool    # False: Helsinki (arranges the services itself) and Ahvenanmaa
    name_sv: str = ""


@lru_cache(maxsize=1)
def counties() -> tuple[County, ...]:
    """Finland's wellbeing services counties as Sotkanet's HYVINVOINTIALUE regions (data/reference/
    hyvinvointialueet.csv): the comparison regions of every deployment."""
    with open(REFERENCE_DIR / "hyvinvointialueet.csv", encoding="utf-8", newline="") as handle:
        return tuple(County(r["code"], int(r["sotkanet_id"]), r["name_fi"], r["is_county"] == "true",
                            r.get("name_sv") or "")
                     for r in csv.DictReader(handle))

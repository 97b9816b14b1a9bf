"""The reader's language and every user-facing string, in one place: `common/strings/*.toml`.

Each string is a TOML table with one entry per language; a file's [sections] become dotted keys:

    [status.kyllä]
    fi = "kyllä"
    sv = "ja"

`t("status.kyllä")` gives it in the current language. Finnish is the source language: a key missing in
Finnish is an error, a key missing in another language falls back to Finnish (tests/test_strings.py fails
the build for every key without Swedish). The language belongs to one script run (a contextvar): the app
sets it from `?lang=` or TILANNEKUVA_LANG at the start of every run, so two readers in two languages never
see each other's. The stored page data is computed in Finnish (`in_language("fi")`); the loaders report
problems in the language of whoever uploaded (the page's reader, or TILANNEKUVA_LANG on the command line),
and what they store in the load log is Finnish text with its key beside it (`Phrase`), read back in the
reader's language (`stored_text`).

Numbers and dates: Swedish in Finland writes them as Finnish does (decimal comma, space between thousands,
3.12.2026), so `common.format` serves both.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import os
import tomllib
from functools import lru_cache
from pathlib import Path

STRINGS_DIR = Path(__file__).with_name("strings")
SOURCE_LANGUAGE = "fi"
LANGUAGES = ("fi", "sv")
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska"}

_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("tilannekuva_language", default=None)
# A region folder's own words for some strings (region.toml [strings]): a county that calls its areas
# "kumppanuusryhmä" and has no "kuntafoorumi" says so there; set per run like the language.
_overrides: contextvars.ContextVar[dict] = contextvars.ContextVar("tilannekuva_string_overrides", default={})


def default_language() -> str:
    """TILANNEKUVA_LANG when it names a known language, else Finnish."""
    value = os.environ.get("TILANNEKUVA_LANG", SOURCE_LANGUAGE).strip().lower()
    return value if value in LANGUAGES else SOURCE_LANGUAGE


def language() -> str:
    return _language.get() or default_language()


def use_language(value: str | None) -> str:
    """Sets the language of this run (unknown or empty -> the default) and returns it."""
    chosen = value if value in LANGUAGES else default_language()
    _language.set(chosen)
    return chosen


@contextlib.contextmanager
def in_language(value: str):
    token = _language.set(value)
    try:
        yield
    finally:
        _language.reset(token)


def _flatten(table: dict, prefix: str, source: Path, out: dict[str, dict[str, str]]) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if not isinstance(value, dict):
            raise ValueError(f"{source.name}: {name} ei ole taulukko kielittäin (fi = …, sv = …)")
        if value and all(isinstance(v, str) for v in value.values()):
            if name in out:
                raise ValueError(f"{source.name}: avain {name} on jo toisessa tiedostossa")
            if SOURCE_LANGUAGE not in value:
                raise ValueError(f"{source.name}: avaimelta {name} puuttuu suomenkielinen teksti (fi)")
            out[name] = value
        else:
            _flatten(value, f"{name}.", source, out)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """key -> {language: text}, from every file in common/strings/."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(STRINGS_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            _flatten(tomllib.load(handle), "", path, out)
    return out


def use_overrides(overrides: dict[str, dict[str, str]]) -> None:
    """The region folder's [strings] (key -> {language: text}) for this run; unknown keys are an error, so a
    folder cannot silently override a string that was renamed."""
    unknown = sorted(set(overrides) - set(catalogue()))
    if unknown:
        raise ValueError(f"region.toml [strings]: tuntemattomat avaimet {unknown}")
    _overrides.set(overrides)


def t(key: str, **values) -> str:
    """The string `key` in the current language (the region folder's own word first), formatted with
    `values` (str.format)."""
    entry = catalogue()[key]
    own = _overrides.get().get(key, {})
    text = own.get(language()) or entry.get(language()) or own.get(SOURCE_LANGUAGE) or entry[SOURCE_LANGUAGE]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalogue()


def value_label(kind: str, value) -> str:
    """A stored code shown to a reader: t(f"{kind}.{value}") when the catalogue has it, else the value itself
    (data such as names is shown as it is)."""
    key = f"{kind}.{value}"
    return t(key) if key in catalogue() else ("–" if value is None else str(value))


def localized(mapping, field: str) -> str:
    """mapping[f"{field}_{language}"] when present and non-empty, else mapping[f"{field}_fi"] (region folder
    facts such as name_fi/name_sv). Works on dicts and on objects with attributes."""
    def get(name):
        return mapping.get(name) if isinstance(mapping, dict) else getattr(mapping, name, None)
    return get(f"{field}_{language()}") or get(f"{field}_{SOURCE_LANGUAGE}") or ""


def value_labels(kind: str, lang: str) -> dict[str, str]:
    """Every code of `kind` with its label in `lang` (only the codes that have one)."""
    prefix = f"{kind}."
    return {key[len(prefix):]: entry[lang] for key, entry in catalogue().items()
            if key.startswith(prefix) and entry.get(lang)}


def in_this_language(make):
    """`make` wrapped to run in the language of the run that wraps it: a download's deferred builder runs
    later, outside the page's run (Streamlit calls it when the reader clicks), where the run's language is
    not set."""
    lang = language()
    overrides = _overrides.get()

    def run(*args, **kwargs):
        language_token, overrides_token = _language.set(lang), _overrides.set(overrides)
        try:
            return make(*args, **kwargs)
        finally:
            _language.reset(language_token)
            _overrides.reset(overrides_token)
    return run


class Phrase(str):
    """A message that is stored (the load log): the Finnish text is the string itself — what the journal, the
    CLI and old readers see — and its key and values go beside it (`phrase_record`), so a reader in another
    language gets the message in theirs (`stored_text`). Values must be JSON (numbers, text)."""

    key: str
    values: dict

    def __new__(cls, key: str, **values):
        with in_language(SOURCE_LANGUAGE):
            text = t(key, **values)
        phrase = super().__new__(cls, text)
        phrase.key, phrase.values = key, values
        return phrase


PHRASE_SEPARATOR = "; "


def joined(parts, separator: str = PHRASE_SEPARATOR) -> str:
    """Messages joined into one stored message; the phrases among them keep their keys (`phrase_record`)."""
    parts = [p for p in parts if p]
    text = separator.join(parts)
    if not any(isinstance(p, (Phrase, _Joined)) for p in parts):
        return text
    return _Joined(text, parts, separator)


class _Joined(str):
    def __new__(cls, text: str, parts, separator: str):
        joined_text = super().__new__(cls, text)
        joined_text.parts, joined_text.separator = list(parts), separator
        return joined_text


def _record_parts(message) -> list:
    if isinstance(message, _Joined):
        return [{"separator": message.separator, "parts": [_record_parts(p) for p in message.parts]}]
    if isinstance(message, Phrase):
        return [[message.key, message.values]]
    return [str(message)]


def phrase_record(message) -> str | None:
    """What to store beside a message so it can be shown in another language: JSON of its parts (a [key,
    values] pair, plain text, or a joined group); None for a message that is plain text only."""
    if not isinstance(message, (Phrase, _Joined)):
        return None
    return json.dumps(_record_parts(message), ensure_ascii=False)


def _render(part) -> str:
    if isinstance(part, dict):
        return part["separator"].join("".join(_render(p) for p in group) for group in part["parts"])
    if isinstance(part, list):
        return t(part[0], **part[1])
    return str(part)


def stored_text(message, record) -> str:
    """A stored message in the reader's language: rendered from `record` (phrase_record) when every key is
    still in the catalogue and its values fit, else the stored (Finnish) text as it is."""
    stored = "" if message is None else str(message)
    if not record or language() == SOURCE_LANGUAGE:
        return stored
    try:
        return "".join(_render(part) for part in json.loads(record))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return stored


def shown(message) -> str:
    """A message made of phrases (Phrase, joined) in the current language, before it is stored or when it was
    never stored (a CLI line, a raised reason); plain text as it is."""
    return stored_text(message, phrase_record(message))

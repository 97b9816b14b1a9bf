"""The strings catalogue (common/strings/*.toml): every string has Swedish, the same placeholders in every
language, and every key the code asks for exists."""
from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from common import i18n

ROOT = Path(__file__).resolve().parents[1]
CODE = [ROOT / "app.py"] + [p for package in ("common", "store", "metrics", "data_sources", "readmodel", "documents",
                                              "ui", "pages") for p in sorted((ROOT / package).glob("**/*.py"))]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_has_swedish():
    missing = sorted(key for key, entry in i18n.catalogue().items() if not entry.get("sv", "").strip())
    assert not missing, f"{len(missing)} merkkijonolta puuttuu ruotsi (sv): {missing[:20]}"


def test_every_language_has_the_same_placeholders():
    wrong = [(key, lang) for key, entry in i18n.catalogue().items() for lang, text in entry.items()
             if placeholders(text) != placeholders(entry["fi"])]
    assert not wrong, f"eri paikanvaraajat kuin suomeksi: {wrong[:20]}"


def keys_asked_for() -> list[tuple[str, int, str]]:
    """(file, line, key) of every t("literal", …) call."""
    out = []
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                out.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value))
    return out


def test_every_key_the_code_asks_for_exists():
    asked = keys_asked_for()
    assert len(asked) > 50  # the scan finds the calls (a scan that finds none would pass vacuously)
    unknown = [(f, line, key) for f, line, key in asked if not i18n.has(key)]
    assert not unknown, f"tuntemattomat avaimet: {unknown[:20]}"


def test_a_language_belongs_to_one_context_and_falls_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("TILANNEKUVA_LANG", "sv")
    with i18n.in_language("fi"):
        assert i18n.t("page_overview") == "Tilannekuva"
    assert i18n.language() in ("sv", "fi")  # the test runner's own context may have set one
    monkeypatch.setenv("TILANNEKUVA_LANG", "xx")
    assert i18n.default_language() == "fi"
    with i18n.in_language("sv"):
        assert i18n.t("page_overview") == "Lägesbild"
        assert i18n.value_label("status", "kyllä") == "ja"
        assert i18n.value_label("status", "Kuopio") == "Kuopio"  # data without a label is shown as it is


@pytest.mark.parametrize("broken, reason", [
    ('[a]\nsv = "x"\n', "fi"),
    ('a = "x"\n', "taulukko"),
])
def test_a_broken_strings_file_names_the_key(tmp_path, monkeypatch, broken, reason):
    (tmp_path / "x.toml").write_text(broken, encoding="utf-8")
    monkeypatch.setattr(i18n, "STRINGS_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match=reason):
            i18n.catalogue()
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()


def test_every_download_is_named_in_the_readers_language():
    """A download's file name is a string of the catalogue (t(...)), so a Swedish reader saves
    'omradesindelningar.csv', not 'aluejaot.csv' (issue 16)."""
    calls = [(path.relative_to(ROOT), node.lineno, node) for path in CODE
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "download_buttons"]
    assert len(calls) >= 10  # the scan finds the pages' download buttons
    literal = [(str(f), line) for f, line, node in calls
               if not (isinstance(node.args[1], ast.Call) and getattr(node.args[1].func, "id", None) == "t")]
    assert not literal, f"latauksen nimi ei ole merkkijonoluettelosta: {literal}"


@pytest.mark.parametrize("title, slug", [
    ("Siilinjärvi_indikaattorit", "siilinjarvi_indikaattorit"), ("områdesindelningar", "omradesindelningar"),
    ("Kuopio: 2025 / Hyte", "kuopio_2025_hyte"), ("ääö", "aao"), ("<>", "tiedot")])
def test_file_names_keep_finnish_and_swedish_letters_readable(title, slug):
    from ui.tables import file_slug

    assert file_slug(title) == slug


def test_a_stored_message_is_finnish_text_and_reads_in_the_readers_language():
    from common.i18n import Phrase, in_language, joined, phrase_record, stored_text

    message = joined([Phrase("load_log.sotkanet_summary", ok=2, unchanged=1, failed=1, rows="1 200"),
                      "tuntematon huomio", Phrase("load_log.item_failed", item=683, message="HTTP 500")])
    assert message == "2 ladattu, 1 ennallaan, 1 epäonnistui; 1 200 riviä; tuntematon huomio; 683: HTTP 500"
    record = phrase_record(message)
    with in_language("sv"):
        assert stored_text(message, record) == ("2 laddade, 1 oförändrade, 1 misslyckades; 1 200 rader; "
                                                "tuntematon huomio; 683: HTTP 500")
        # a record whose key was renamed since, or a plain message: the stored Finnish text as it is
        assert stored_text(message, record.replace("load_log.item_failed", "load_log.gone")) == message
        assert stored_text("vanha viesti", None) == "vanha viesti"
    assert stored_text(message, record) == message and phrase_record("vain tekstiä") is None


def test_a_producers_licence_reads_in_the_readers_language_and_a_stated_one_is_quoted():
    from common.licence import THL_LICENCE, licence_in_language, producer_licence

    assert producer_licence("Terveyden ja hyvinvoinnin laitos (THL)") == THL_LICENCE
    stored = str(producer_licence("Kela"))
    assert stored == "Sotkanet.fi (THL); tuottaja Kela, tuottajan käyttöehdoin"
    with i18n.in_language("sv"):
        assert licence_in_language(stored, "Kela") == "Sotkanet.fi (THL); producent Kela, enligt producentens användarvillkor"
        assert licence_in_language("CC BY 4.0 (Tilastokeskus)", "Tilastokeskus") == "CC BY 4.0 (Tilastokeskus)"

"""Sotkanet's own Swedish metadata (description, interpretation, limits): parsed through the same
html_to_text safety as the Finnish, stored in indicator.*_sv (schema 8), and read in Swedish in the _fi
columns' place by a localized cursor (store.warehouse.localize), Finnish where Swedish is missing.

Real recorded responses come from ../shared/fixtures/sotkanet/ (those tests skip when it is absent); the
tests that always run build their responses from tests/fixtures/sotkanet/indicator_127.json (the same
/indicators/{id} format) with Swedish texts added, served from the local replay server on 127.0.0.1.
"""
from __future__ import annotations

import json

import pytest

from data_sources import sotkanet as sk
from store.warehouse import connect_read, localize
from tests.sotkanet_replay import ReplayServer
from tests.test_sotkanet import OWN, hus_metadata, own_state, q, run

pytestmark = pytest.mark.usefixtures("fast_backoff")

DESCRIPTION_SV_HTML = ("Indikatorn anger befolkningen vid årets slut (31.12.).<br><br>Uppgifterna bygger på "
                       "befolkningsdatasystemet &amp; Statistikcentralens <b>befolkningsstatistik</b>."
                       "<script>alert('x')</script><img src=x onerror=alert(1)>")
DESCRIPTION_SV = ("Indikatorn anger befolkningen vid årets slut (31.12.).\n\nUppgifterna bygger på "
                  "befolkningsdatasystemet & Statistikcentralens befolkningsstatistik.")
LIMITS_SV = "Kommunindelningen är den från år 2025."
DESCRIPTION_FI = ("Indikaattori ilmaisee väestön määrän vuoden lopussa (31.12.).\n\nTiedot perustuvat "
                  "väestötietojärjestelmään & Tilastokeskuksen väestörakennetilastoon.")


def metadata_127_with_swedish(**fields) -> bytes:
    """Our own /indicators/127 response with Swedish description and limits (interpretation stays empty in
    every language, as the API gives it); `fields` replace whole text fields ({"fi": …, "sv": …, "en": …})."""
    data = json.loads((OWN / "indicator_127.json").read_text(encoding="utf-8"))
    data["description"]["sv"] = DESCRIPTION_SV_HTML
    data["limits"]["sv"] = f"<p>{LIMITS_SV}</p>"
    data.update(fields)
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def texts(db, language: str, indicator_id: int) -> tuple:
    """(title_fi, description_fi, interpretation_fi, limits_fi) as a reader in `language` reads them."""
    con = connect_read(db)
    try:
        cur = con.cursor()
        cur.execute("USE wh")
        localize(cur, language, {})
        return cur.execute("SELECT title_fi, description_fi, interpretation_fi, limits_fi FROM indicator"
                           " WHERE id = ?", [indicator_id]).fetchone()
    finally:
        con.close()


# ---------------------------------------------------------------- parsing


def test_swedish_texts_are_parsed_as_safe_plain_text():
    meta = sk.parse_indicator_metadata(metadata_127_with_swedish(), 127)
    assert meta.description_sv == DESCRIPTION_SV
    assert not any(bad in meta.description_sv for bad in ("<", "alert", "onerror", "&amp;"))
    assert meta.limits_sv == LIMITS_SV
    assert meta.interpretation_sv is None  # "" in the API
    assert meta.description_fi == DESCRIPTION_FI  # the Finnish is unchanged


def test_a_response_without_swedish_gives_none():
    meta = sk.parse_indicator_metadata((OWN / "indicator_127.json").read_bytes(), 127)
    assert (meta.description_sv, meta.interpretation_sv, meta.limits_sv) == (None, None, None)
    bare = json.loads((OWN / "indicator_127.json").read_text(encoding="utf-8"))
    bare["description"] = {"fi": "Vain suomeksi."}  # no sv key at all
    del bare["limits"]
    meta = sk.parse_indicator_metadata(json.dumps(bare).encode(), 127)
    assert meta.description_fi == "Vain suomeksi." and meta.description_sv is None and meta.limits_sv is None


def test_real_metadata_has_swedish_description_and_limits():
    meta = sk.parse_indicator_metadata(hus_metadata(186), 186)
    assert meta.description_sv.startswith("Indikatorn visar antalet och andelen döda per 100 000 invånare")
    assert "<" not in meta.description_sv and "id=suhteutus" not in meta.description_sv
    assert meta.limits_sv.startswith("Vid sidan av dödsorsaksstatistiken statistikförs antalet döda")
    assert meta.interpretation_sv is None  # "" in the API
    assert meta.description_fi != meta.description_sv


# ---------------------------------------------------------------- stored and read in Swedish


def test_swedish_description_is_stored_and_read_in_swedish(catalogue_copy):
    db = catalogue_copy
    state = own_state()
    state.metadata[127] = metadata_127_with_swedish()
    with ReplayServer(state) as srv:
        code, out, err = run(db, srv, "--indicators", "127")
    assert code == 0, out + err
    assert q(db, "SELECT description_sv, interpretation_sv, limits_sv FROM indicator WHERE id = 127") == [
        (DESCRIPTION_SV, None, LIMITS_SV)]
    # the Finnish columns keep the Finnish texts
    assert q(db, "SELECT description_fi, limits_fi FROM indicator WHERE id = 127") == [
        (DESCRIPTION_FI, "Kuntajako on vuoden 2025 mukainen.")]
    # a reader in Swedish gets Sotkanet's Swedish in the _fi columns' place
    title, description, interpretation, limits = texts(db, "sv", 127)
    assert title == "Befolkning 31.12"
    assert description == DESCRIPTION_SV
    assert limits == LIMITS_SV
    assert interpretation is None  # none in either language
    # a reader in Finnish gets the Finnish
    assert texts(db, "fi", 127) == ("Väestö 31.12.", DESCRIPTION_FI, None, "Kuntajako on vuoden 2025 mukainen.")


def test_missing_swedish_falls_back_to_finnish_and_a_new_response_replaces_the_old(catalogue_copy):
    db = catalogue_copy
    state = own_state()
    state.metadata[127] = metadata_127_with_swedish(limits={"fi": "<p>Rajoitus.</p>", "en": "", "sv": ""})
    with ReplayServer(state) as srv:
        code, out, err = run(db, srv, "--indicators", "127")
        assert code == 0, out + err
        assert texts(db, "sv", 127)[1:] == (DESCRIPTION_SV, None, "Rajoitus.")  # limits: Finnish, no Swedish
        # Sotkanet drops its Swedish description: the stored one goes too (like the Finnish, the newest wins)
        state.metadata[127] = (OWN / "indicator_127.json").read_bytes()
        code, out, err = run(db, srv, "--indicators", "127", "--force")
    assert code == 0, out + err
    assert q(db, "SELECT description_sv, limits_sv FROM indicator WHERE id = 127") == [(None, None)]
    assert texts(db, "sv", 127)[1] == DESCRIPTION_FI


def test_real_response_stores_its_swedish_texts(catalogue_copy):
    db = catalogue_copy
    body = hus_metadata(186)
    meta = sk.parse_indicator_metadata(body, 186)
    state = own_state()
    state.metadata[186] = body
    state.json_rows[186] = json.dumps([
        {"indicator": 186, "region": 161, "year": 2024, "gender": "total", "value": 1012.5, "absValue": 1290}
    ]).encode()
    with ReplayServer(state) as srv:
        code, out, err = run(db, srv, "--indicators", "186", "--years", "2024")
    assert code == 0, out + err
    assert q(db, "SELECT description_sv, limits_sv FROM indicator WHERE id = 186") == [
        (meta.description_sv, meta.limits_sv)]
    title, description, _, limits = texts(db, "sv", 186)
    assert title == "Dödlighet / 100 000 invånare"
    assert description == meta.description_sv and description.startswith("Indikatorn visar")
    assert limits == meta.limits_sv
    assert texts(db, "fi", 186)[1] == meta.description_fi

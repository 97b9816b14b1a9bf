"""What the loaders say about a refused file or entry, in the reader's language (issue 16): a Swedish reader gets
every problem (row, column as it is in the file, value, problem, hint) in Swedish, a Finnish reader and the CLI
get exactly the words they always did. Each loader is fed a small broken file of its own format."""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from common.i18n import in_language
from data_sources import action_status, geometry, meetings, own_metrics, reference
from data_sources.__main__ import main as cli
from data_sources.survey import parse_survey
from data_sources.uploads import MunicipalityResolver, UnreadableFile, UploadRejected, read_regular_file
from store.config import region_config
from tests.apptest import run
from tests.test_reference import broken_areas_folder
from tests.survey_fixtures import ACTIONS, MUNICIPALITIES, QUESTIONS, checksums, make_db

pytestmark = pytest.mark.usefixtures("swedish_by_test_name")

MUNIS = pd.DataFrame(MUNICIPALITIES, columns=["code", "name_fi", "name_sv"])
QUESTION_FRAME = pd.DataFrame(QUESTIONS, columns=["question_id", "text_fi", "type", "metric_id", "respondent", "sort"])
ACTION_IDS = {a[0] for a in ACTIONS}


def refused(make, error=UploadRejected) -> dict:
    """The exception `make()` is refused with, once read in Swedish and once in Finnish."""
    out = {}
    for lang in ("sv", "fi"):
        with in_language(lang), pytest.raises(error) as info:
            make()
        out[lang] = info.value
    return out


def shown(problems) -> dict:
    """(row, column, value) -> (problem, hint) of a rejected upload."""
    return {(p.row, p.column, p.value): (p.message, p.suggestion) for p in problems}


# ---------------------------------------------------------------- action statuses

# Columns named as a user may name them: the aliases Status and pvm, so the problems must name those.
BAD_STATUSES = ("toimenpide;kunta;Status;pvm;huomio\n"
                "J-1-1;Kuopio;melkein;2024-05-02;\n"
                "J-1-1;Kuopiop;kyllä;eilen;\n").encode("utf-8")


def _import_statuses(data: bytes, name: str = "tilat.csv"):
    return action_status.parse_import(data, name, ACTION_IDS, MunicipalityResolver(MUNIS), default_by="t",
                                      today=date(2025, 1, 1))


def test_action_status_problems_in_swedish_and_in_finnish():
    got = refused(lambda: _import_statuses(BAD_STATUSES))
    assert shown(got["sv"].problems) == {
        (2, "Status", "melkein"): ("okänd status", "använd ja, delvis eller nej (eller filens koder kyllä, osittain, ei)"),
        (3, "kunta", "Kuopiop"): ("okänd kommun", "menade du Kuopio?"),
        (3, "pvm", "eilen"): ("datumet kunde inte läsas", "använd formatet ÅÅÅÅ-MM-DD eller D.M.ÅÅÅÅ"),
    }
    assert shown(got["fi"].problems) == {
        (2, "Status", "melkein"): ("tuntematon tila", "käytä kyllä, osittain tai ei"),
        (3, "kunta", "Kuopiop"): ("tuntematon kunta", "tarkoititko Kuopio?"),
        (3, "pvm", "eilen"): ("päivämäärää ei voitu lukea", "käytä muotoa VVVV-KK-PP tai P.K.VVVV"),
    }
    with in_language("sv"):
        assert str(got["sv"].problems[0]) == ("rad 2, kolumn 'Status', värde 'melkein': okänd status — använd ja, "
                                              "delvis eller nej (eller filens koder kyllä, osittain, ei)")
    with in_language("fi"):
        assert str(got["fi"].problems[0]) == ("rivi 2, sarake 'Status', arvo 'melkein': tuntematon tila — käytä kyllä, "
                                              "osittain tai ei")
    assert str(got["sv"]).startswith("Filen avvisades, ingenting sparades:\n  - rad 2, kolumn 'Status'")
    assert str(got["fi"]).startswith("Tiedosto hylättiin, mitään ei tallennettu:\n  - rivi 2, sarake 'Status'")


def test_action_status_file_level_problems_in_swedish_and_in_finnish():
    header_only = refused(lambda: _import_statuses("toimenpide;kunta\n".encode("utf-8")))
    assert [p.message for p in header_only["sv"].problems] == ["den obligatoriska kolumnen tila saknas",
                                                               "filen har inga rader"]
    assert [p.message for p in header_only["fi"].problems] == ["pakollinen sarake tila puuttuu",
                                                               "tiedostossa ei ole yhtään riviä"]
    old_excel = refused(lambda: _import_statuses(b"\xd0\xcf\x11\xe0" + b"\0" * 64, "tilat.xls"))
    with in_language("sv"):
        assert [str(p) for p in old_excel["sv"].problems] == [
            "fil: det gamla formatet Excel 97–2003 (.xls) duger inte — spara filen i XLSX- eller CSV-format"]
    with in_language("fi"):
        assert [str(p) for p in old_excel["fi"].problems] == [
            "tiedosto: vanha Excel 97–2003 (.xls) -muoto ei käy — tallenna tiedosto XLSX- tai CSV-muodossa"]


def test_a_recorded_status_too_long_in_swedish_and_in_finnish():
    resolver = MunicipalityResolver(MUNIS)
    for lang, message in (("sv", "texten är för lång (250 tecken, gräns 200)"),
                          ("fi", "teksti on liian pitkä (250 merkkiä, raja 200)")):
        with in_language(lang):
            _, problems = action_status.validate_entry("J-1-1", "Kuopio", "kyllä", None, None, ACTION_IDS, resolver,
                                                       timetable="x" * 250)
        assert [(p.column, p.message) for p in problems] == [("aikataulu", message)]


def test_the_cli_prints_the_problems_in_finnish_and_in_the_language_asked_for(tmp_path, capsys):
    db = make_db(tmp_path)
    path = tmp_path / "tilat.csv"
    path.write_bytes(b"toimenpide;kunta;tila\nJ-1-1;Kuopio;melkein\n")
    before = checksums(db, ("action_status", "load_log"))
    with in_language("fi"):
        assert cli(["action-status", "import", str(path), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["Tiedosto hylättiin, mitään ei tallennettu. Ongelmia 1:",
                                "  - rivi 2, sarake 'tila', arvo 'melkein': tuntematon tila — käytä kyllä, osittain tai ei"]
    with in_language("sv"):
        assert cli(["action-status", "import", str(path), "--db", str(db)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Filen avvisades, ingenting sparades. 1 problem:",
        "  - rad 2, kolumn 'tila', värde 'melkein': okänd status — använd ja, delvis eller nej (eller filens koder "
        "kyllä, osittain, ei)"]
    assert checksums(db, ("action_status", "load_log")) == before


# ---------------------------------------------------------------- the compass survey


def test_survey_problems_in_swedish_and_in_finnish():
    data = "Kommun;Q-YN;Q-SC\nKuopio;joo kai;7\nKuopiop;kyllä;3\n".encode("utf-8")
    got = refused(lambda: parse_survey(data, "kysely_2024.csv", QUESTION_FRAME, MUNIS))
    assert shown(got["sv"].problems) == {
        (2, "Q-YN", "joo kai"): ("okänt svar på en ja/nej-fråga", "använd Ja, Nej eller Vet inte (eller lämna tomt)"),
        (2, "Q-SC", "7"): ("värdet ligger utanför skalan", "skalan är 1–5, 0 = vet inte"),
        (3, "Kommun", "Kuopiop"): ("okänd kommun", "menade du Kuopio?"),
    }
    assert shown(got["fi"].problems) == {
        (2, "Q-YN", "joo kai"): ("tuntematon vastaus kyllä/ei-kysymykseen",
                                 "käytä Kyllä, Ei tai En osaa sanoa (tai jätä tyhjäksi)"),
        (2, "Q-SC", "7"): ("arvo asteikon ulkopuolella", "asteikko on 1–5, 0 = en osaa sanoa"),
        (3, "Kommun", "Kuopiop"): ("tuntematon kunta", "tarkoititko Kuopio?"),
    }


def test_survey_without_a_municipality_or_a_known_question_column_in_swedish_and_in_finnish():
    data = "Q-YN\nkyllä\n".encode("utf-8")
    got = refused(lambda: parse_survey(data, "kysely.csv", QUESTION_FRAME, MUNIS))
    assert shown(got["sv"].problems) == {(1, None, None): (
        "den obligatoriska kolumnen Kunta saknas",
        "lägg till kolumnen Kunta (kommunens namn eller kod, för välfärdsområdet PSHVA)")}
    assert shown(got["fi"].problems) == {(1, None, None): (
        "pakollinen sarake Kunta puuttuu", "lisää sarake Kunta (kunnan nimi tai koodi, hyvinvointialueelle PSHVA)")}
    unknown_only = "Kunta;Kysymys X\nKuopio;kyllä\n".encode("utf-8")
    got = refused(lambda: parse_survey(unknown_only, "kysely_2024.csv", QUESTION_FRAME, MUNIS))
    # an unknown question column is the problem named, not "no question columns" as well
    assert [p.message for p in got["sv"].problems] == ["okänd frågekolumn"]
    assert [p.message for p in got["fi"].problems] == ["tuntematon kysymyssarake"]


# ---------------------------------------------------------------- own metrics


def test_own_metric_problems_in_swedish_and_in_finnish():
    catalogue = pd.DataFrame({"metric_id": ["E-1-1-M1", "E-1-1-M1"], "party_code": ["297", "749"]})
    data = ("mittari;vastuutahon koodi;vuosi;Arvo\n"
            "E-1-1-M1;297;2024;kaksitoista\n"
            "E-1-1-M1;140;20x4;3\n").encode("utf-8")
    got = refused(lambda: own_metrics.parse(data, "omat.csv", catalogue), own_metrics.OwnMetricRejected)
    assert shown(got["sv"].problems) == {
        (2, "Arvo", "kaksitoista"): ("värdet saknas eller är inget tal", "t.ex. 12 eller 3,5"),
        (3, "vastuutahon koodi", "140"): ("rapporterar inte mätaren E-1-1-M1", "rapportörer: 297, 749"),
        (3, "vuosi", "20x4"): ("året saknas eller duger inte", "t.ex. 2024"),
    }
    assert shown(got["fi"].problems) == {
        (2, "Arvo", "kaksitoista"): ("arvo puuttuu tai ei ole luku", "esim. 12 tai 3,5"),
        (3, "vastuutahon koodi", "140"): ("ei raportoi mittaria E-1-1-M1", "raportoijat: 297, 749"),
        (3, "vuosi", "20x4"): ("vuosi puuttuu tai ei kelpaa", "esim. 2024"),
    }


# ---------------------------------------------------------------- reading a file


def test_a_folder_given_as_a_file_in_swedish_and_in_finnish(tmp_path):
    got = refused(lambda: read_regular_file(tmp_path), UnreadableFile)
    assert str(got["sv"]) == f"{tmp_path} är inte en vanlig fil utan en mapp; ange en CSV-, XLSX- eller JSON-fil"
    assert str(got["fi"]) == f"{tmp_path} ei ole tavallinen tiedosto vaan kansio; anna CSV-, XLSX- tai JSON-tiedosto"


# ---------------------------------------------------------------- meetings and decisions


def test_a_meeting_form_refused_in_swedish_and_in_finnish(tmp_path):
    db = make_db(tmp_path)
    got = refused(lambda: meetings.add_meeting("kuntafoorumi", "2027-13-01", "x" * 201, area_code="PK-EI",
                                               db=db), meetings.MeetingRejected)
    assert got["sv"].problems == ["datum: datum i formatet ÅÅÅÅ-MM-DD, fick '2027-13-01'",
                                  "rubrik är för lång (högst 200 tecken)",
                                  "servicediskussionsområde 'PK-EI' finns inte"]
    assert got["fi"].problems == ["päivämäärä: päivämäärä muodossa VVVV-KK-PP, saatiin '2027-13-01'",
                                  "otsikko on liian pitkä (enintään 200 merkkiä)",
                                  "tuntematon palvelukeskustelualue 'PK-EI'"]
    decision = refused(lambda: meetings.record_decision("EI-OLE", " ", db=db), meetings.MeetingRejected)
    assert decision["sv"].problems == ["beslutets text saknas", "okänt möte 'EI-OLE'"]
    assert decision["fi"].problems == ["päätöksen teksti puuttuu", "tuntematon kokous 'EI-OLE'"]


def test_a_broken_meetings_file_in_swedish_and_in_finnish(tmp_path):
    config = region_config()
    folder = tmp_path / "region"
    shutil.copytree(config.folder, folder)
    lines = (folder / "meetings.csv").read_text(encoding="utf-8").splitlines()
    lines.append("KF-X,kokous,2027-05-01,,Rikki,,,seed,")
    (folder / "meetings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = replace(config, folder=folder)
    areas = meetings.area_codes_of(reference.parse_catalogues(config).regions)
    got = refused(lambda: meetings.parse_year(broken, areas), meetings.MeetingRejected)
    allowed = ", ".join(meetings.KINDS)
    row = len(lines)
    assert got["sv"].problems == [f"meetings.csv rad {row}, kolumn kind: 'kokous' är inte något av värdena {allowed}"]
    assert got["fi"].problems == [f"meetings.csv rivi {row}, sarake kind: 'kokous' ei ole mikään arvoista {allowed}"]


# ---------------------------------------------------------------- municipal borders


def _square(lon, lat, size=0.3):
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon, lat + size], [lon + size, lat + size],
                                                [lon + size, lat], [lon, lat]]]}


def test_border_file_problems_in_swedish_and_in_finnish():
    wanted = {"297": "Kuopio"}
    in_metres = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NATCODE": "297"}, "geometry": _square(530000, 6970000, 1000)}]}
    got = refused(lambda: geometry.parse_features(in_metres, wanted), geometry.GeometryError)
    assert str(got["sv"]) == ("objekt 0 (kommun 297, egenskap 'NATCODE'), ring 0: koordinaten 530000, 6970000 är ingen "
                              "WGS84-longitud/latitud (är filen i EPSG:3067? konvertera till WGS84, t.ex. ogr2ogr "
                              "-t_srs EPSG:4326)")
    assert str(got["fi"]) == ("kohde 0 (kunta 297, ominaisuus 'NATCODE'), rengas 0: koordinaatti 530000, 6970000 ei ole "
                              "WGS84-pituus/leveysaste (onko tiedosto EPSG:3067:ssa? muunna WGS84:ään, esim. ogr2ogr "
                              "-t_srs EPSG:4326)")
    no_code = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NAMEFIN": "Kuopio"}, "geometry": _square(27, 63)}]}
    got = refused(lambda: geometry.parse_features(no_code, wanted, "KUNTA"), geometry.GeometryError)
    assert str(got["sv"]) == ("objekt 0: egenskapen 'KUNTA' saknas (finns: NAMEFIN); välj kommunnumrets egenskap med "
                              "flaggan --code-property")
    assert str(got["fi"]) == ("kohde 0: ominaisuus 'KUNTA' puuttuu (on: NAMEFIN); valitse kuntanumeron ominaisuus "
                              "valitsimella --code-property")
    with in_language("sv"), pytest.raises(geometry.GeometryError, match="är inte giltig JSON"):
        geometry.load_geometry(b"{not json", "rajat.json")


# ---------------------------------------------------------------- the region folder's lists


def test_a_broken_catalogue_in_swedish_and_in_finnish(tmp_path):
    folder = broken_areas_folder(tmp_path)
    got = refused(lambda: reference.parse_catalogues(replace(region_config(), folder=folder)),
                  reference.CatalogueError)
    assert str(got["sv"]).startswith("Katalogen innehåller fel:\n")
    assert "  - areas.csv rad 4, kolumn member_code: okänd kommun '999'" in str(got["sv"]).splitlines()
    assert str(got["fi"]).startswith("Luettelossa on virheitä:\n")
    assert "  - areas.csv rivi 4, sarake member_code: tuntematon kunta '999'" in str(got["fi"]).splitlines()


# ---------------------------------------------------------------- the admin page


def test_a_bad_status_file_is_refused_in_swedish_on_the_admin_page(fresh_db, monkeypatch):
    from data_sources.admin_auth import ENV_VAR, hash_password

    monkeypatch.setenv("TILANNEKUVA_DB", str(fresh_db))
    monkeypatch.setenv(ENV_VAR, hash_password("oikea salasana 123", iterations=100_000))
    before = checksums(fresh_db, ("action_status", "load_log"))
    at = run("pages/yllapito.py", admin=True, lang="sv")
    at.file_uploader(key="status_upload").set_value(("tilat.csv", b"toimenpide;kunta;Status\nJ-1-1;Kuopio;melkein\n",
                                                     "text/csv"))
    at.run()
    [button] = [b for b in at.button if b.label == "Importera statusar"]
    button.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == ["Filen avvisades, ingenting sparades. 1 problem:"]
    [table] = [f.value for f in at.dataframe if "Problem" in f.value.columns]
    assert list(table.columns) == ["Rad", "Kolumn", "Värde", "Problem", "Förslag"]
    assert table.iloc[0].tolist() == [2, "Status", "melkein", "okänd status",
                                      "använd ja, delvis eller nej (eller filens koder kyllä, osittain, ei)"]
    assert checksums(fresh_db, ("action_status", "load_log")) == before

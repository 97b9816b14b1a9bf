"""The region folder: municipalities, areas and the indicator catalogue are data, validated as data."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path
from dataclasses import replace

import pytest

from store.config import region_config
from data_sources.reference import CatalogueError, parse_catalogues

SEED_TYP = {  # seed 000, "TYP:n alueelliset johtoryhmät"
    "TYP-VARKAUS": {"171", "420", "915"},
    "TYP-KUOPIO": {"297", "204", "749", "778", "686", "687", "857"},
    "TYP-YLASAVO": {"140", "263", "239", "402", "595", "762", "844", "921", "925"},
}


@pytest.fixture(scope="module")
def catalogues():
    return parse_catalogues(region_config())


def test_nineteen_municipalities_with_text_codes_and_swedish_names(catalogues):
    munis = {r[1]: r for r in catalogues.regions if r[0] == "KUNTA"}
    assert len(munis) == 19
    assert all(len(code) == 3 and code.isdigit() for code in munis)
    assert munis["140"][2:4] == ("Iisalmi", "Idensalmi")
    assert munis["171"][2:4] == ("Joroinen", "Jorois")
    assert munis["297"][4] == 161


def test_hva_maakunta_and_country_are_configured(catalogues):
    levels = {r[0]: r for r in catalogues.regions if r[0] in ("HYVINVOINTIALUE", "MAAKUNTA", "MAA")}
    assert levels["HYVINVOINTIALUE"][1] == "13" and levels["HYVINVOINTIALUE"][4] == 974
    assert levels["MAAKUNTA"][1] == "11" and levels["MAA"][1] == "358"


def test_every_municipality_is_in_exactly_one_service_discussion_area(catalogues):
    members = [m for m in catalogues.members if m[0] == "PALVELUALUE"]
    codes = [m[2] for m in members]
    assert sorted(codes) == sorted({r[1] for r in catalogues.regions if r[0] == "KUNTA"})
    assert len(codes) == len(set(codes)) == 19


def test_the_seed_fixes_kuopio_alone_and_kaavi_tuusniemi_lapinlahti_siilinjarvi_together(catalogues):
    areas: dict[str, set] = {}
    status = {}
    for category, area, member, st, _ in catalogues.members:
        if category == "PALVELUALUE":
            areas.setdefault(area, set()).add(member)
            status[member] = st
    assert {"297"} in areas.values()
    assert {"204", "857", "402", "749"} in areas.values()
    for code in ("297", "204", "857", "402", "749"):
        assert status[code] == "verified"
    assert {c for c, s in status.items() if s == "assumed"} == set(status) - {"297", "204", "857", "402", "749"}


def test_typ_areas_are_the_seeds(catalogues):
    areas: dict[str, set] = {}
    for category, area, member, st, _ in catalogues.members:
        if category == "TYP_ALUE":
            areas.setdefault(area, set()).add(member)
            assert st == "verified"
    assert areas == SEED_TYP


def test_indicator_catalogue_size_directions_and_reasons(catalogues):
    inds = catalogues.indicators
    assert 30 <= len(inds) <= 60
    assert all(row[6] in ("higher_better", "lower_better", "neutral") for row in inds)
    assert all(row[7] and len(row[7]) > 10 for row in inds), "every direction needs its one-line reason"
    ids = {row[0] for row in inds}
    assert 127 in ids, "population is needed for weighted rollups"
    assert 243 not in ids, "243 ended in 2019; 5641 replaces it"
    goals = {}
    for ind, goal in catalogues.indicator_goals:
        goals.setdefault(goal, set()).add(ind)
    assert set(goals) == {1, 2, 3, 4} and all(len(v) >= 6 for v in goals.values())


def test_trend_metrics_link_to_catalogue_indicators(catalogues):
    ids = {row[0] for row in catalogues.indicators}
    assert catalogues.metric_indicators and all(ind in ids for _, ind in catalogues.metric_indicators)


def broken_areas_folder(tmp_path) -> Path:
    """A copy of the region folder whose areas.csv names an unknown municipality '999' on its row 4."""
    folder = tmp_path / "broken"
    shutil.copytree(region_config().folder, folder)
    path = folder / "areas.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[3][4] = "999"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return folder


def test_a_broken_catalogue_names_file_row_column_and_value(tmp_path):
    folder = broken_areas_folder(tmp_path)
    with pytest.raises(CatalogueError) as err:
        parse_catalogues(replace(region_config(), folder=folder))
    text = str(err.value)
    assert "areas.csv rivi 4, sarake member_code" in text and "'999'" in text

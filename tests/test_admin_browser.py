"""A coordinator in a real browser: log in, upload a broken export (rejected, nothing written), upload a good
one, and see the Kompassikysely page count it."""
from __future__ import annotations

import csv
import shutil

import pytest

from data_sources.admin_auth import hash_password
from store.warehouse import connect_read, table_checksum
from tests.browser import (
    ARTIFACTS, chromium, click_button, exception_boxes, log_in, require_browser, running_app, wait_for_page,
)

PASSWORD = "koordinaattori-testi"


def _export(demo_db, tmp_path, name: str, edit) -> str:
    """A copy of the demo export of 2025, changed by `edit(rows)`."""
    from data_sources.demo import demo_survey_file

    source = demo_survey_file(2025, tmp_path / "demo")
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    edit(rows)
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return str(path)


def _upload(driver, path: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(path)
    click_button(driver, "Tarkista ja lataa")


@pytest.mark.browser
def test_coordinator_uploads_a_survey_through_the_admin_page(demo_db, tmp_path, monkeypatch):
    require_browser()
    from selenium.webdriver.common.by import By

    db = tmp_path / "admin.duckdb"
    shutil.copy2(demo_db, db)
    monkeypatch.setenv("TILANNEKUVA_ADMIN_PASSWORD_HASH", hash_password(PASSWORD, iterations=100_000))

    def typo(rows):
        rows[3][0] = "Siilinjarvix"

    def everyone_yes(rows):
        question = rows[0].index("Q-J-1-1-M1")
        for row in rows[1:]:
            if row[1] == "kunta":
                row[question] = "Kyllä"

    broken = _export(demo_db, tmp_path, "rikki.csv", typo)
    good = _export(demo_db, tmp_path, "korjattu.csv", everyone_yes)
    before = {t: table_checksum(connect_read(db), t) for t in ("survey_response", "survey_answer", "load_log")}

    with running_app(db) as url, chromium() as driver:
        log_in(driver, url, PASSWORD)

        _upload(driver, broken)
        wait_for_page(driver, "Tiedosto hylättiin")
        # The problem table is a canvas grid (no DOM text): the error line and the screenshot show it.
        assert "Ongelmia 1" in driver.find_element(By.TAG_NAME, "body").text
        driver.save_screenshot(str(ARTIFACTS / "yllapito_hylatty.png"))
        after_reject = {t: table_checksum(connect_read(db), t) for t in before}
        assert after_reject == before, "a rejected file must write nothing"

        _upload(driver, good)
        wait_for_page(driver, "Ladattu: vuosi 2025")
        assert exception_boxes(driver) == []

        driver.get(f"{url}/kompassikysely")
        wait_for_page(driver, "Onko kunnassanne käynnistetty asunnottomuuden")
        driver.save_screenshot(str(ARTIFACTS / "kompassikysely_ladattu.png"))

    con = connect_read(db)
    answered = con.execute(
        """SELECT count(DISTINCT municipality_code) FROM survey_answers
           WHERE year = 2025 AND question_id = 'Q-J-1-1-M1' AND answer = 'kyllä' AND respondent_role = 'kunta'""").fetchone()[0]
    municipalities_in_file = con.execute(
        "SELECT count(DISTINCT municipality_code) FROM survey_answers WHERE year = 2025 AND respondent_role = 'kunta'").fetchone()[0]
    assert answered == municipalities_in_file >= 15
    log = con.execute("SELECT source, target, status FROM load_log ORDER BY load_id DESC LIMIT 1").fetchone()
    assert log == ("survey", "korjattu.csv", "ok")

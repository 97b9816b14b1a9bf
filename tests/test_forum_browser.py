"""Issue 14 in a real browser: a coordinator logs in, adds a meeting on the Vuosikello page and records a decision
of the last kuntafoorumi linked to a plan action; the vuosikello and the overview show both. Screenshots go to
tests/artifacts/ (vuosikello_kokous.png, vuosikello_paatos.png, tilannekuva_paatos.png)."""
from __future__ import annotations

import shutil
import time
from datetime import date

import pytest

from data_sources.admin_auth import hash_password
from store.warehouse import connect_read
from tests.browser import (
    ARTIFACTS, chromium, click_button, exception_boxes, log_in, require_browser, running_app, wait_for_page,
)
from tests.test_admin_browser import PASSWORD

TITLE = "Ylimääräinen kuntafoorumi: asuminen"
DECISION = "Kunnat raportoivat työntekijöiden asumisen vetovoimatekijöistä kevään foorumille"


def _date(driver, label: str, day: date) -> None:
    """Type a day into the date input whose label is `label` (segments: day, month, year)."""
    from selenium.webdriver.common.by import By

    for widget in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDateInput"]'):
        if widget.text.split("\n")[0].strip() == label:
            segment = widget.find_element(By.CSS_SELECTOR, '[role="spinbutton"][data-type="day"]')
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", segment)
            segment.click()
            segment.send_keys(f"{day.day:02d}{day.month:02d}{day.year}")
            return
    raise AssertionError(f"no date input {label!r}")


def _type(driver, label: str, text: str, enter: bool = False) -> None:
    """Type into the text input or text area whose label is `label`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for widget in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stTextInput"], [data-testid="stTextArea"]'):
            if widget.text.split("\n")[0].strip() == label:
                field = next(f for f in widget.find_elements(By.CSS_SELECTOR, "input:not([type=date]), textarea") if f.is_displayed())
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
                field.click()
                field.send_keys(text)
                if enter:
                    field.send_keys(Keys.ENTER)
                return
        time.sleep(0.3)
    raise AssertionError(f"no input {label!r}")


def _choose(driver, label: str, option: str) -> None:
    """Pick `option` (typed, then Enter) in the selectbox whose label is `label`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    for widget in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSelectbox"]'):
        if widget.text.split("\n")[0].strip() == label:
            field = next(f for f in widget.find_elements(By.CSS_SELECTOR, "input") if f.is_displayed())
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
            field.click()
            field.send_keys(option)
            time.sleep(0.5)
            field.send_keys(Keys.ENTER)
            return
    raise AssertionError(f"no selectbox {label!r}")


def _scroll_to(driver, heading: str) -> None:
    driver.execute_script(
        "for (const h of document.querySelectorAll('h1, h2, h3')) if (h.textContent.startsWith(arguments[0]))"
        " { h.scrollIntoView({block: 'start'}); break; }", heading)
    time.sleep(0.5)


@pytest.mark.browser
def test_coordinator_adds_a_meeting_and_a_decision_that_the_year_and_overview_show(demo_db, tmp_path, monkeypatch):
    require_browser()
    from selenium.webdriver.common.by import By

    db = tmp_path / "vuosikello.duckdb"
    shutil.copy2(demo_db, db)
    monkeypatch.setenv("TILANNEKUVA_ADMIN_PASSWORD_HASH", hash_password(PASSWORD, iterations=100_000))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(db) as url, chromium() as driver:
        log_in(driver, url, PASSWORD)
        # the login lives in the session: follow the navigation instead of opening a new page load
        driver.find_element(By.CSS_SELECTOR, 'a[href$="/vuosikello"]').click()
        wait_for_page(driver, "Lisää kokous")

        _date(driver, "Päivä", date(2027, 1, 15))
        _type(driver, "Otsikko", TITLE)
        _type(driver, "Osapuolet (puolipisteellä eroteltuina)", "Kunnat; hyvinvointialue")
        click_button(driver, "Lisää kokous")
        wait_for_page(driver, "Kokous lisätty")
        wait_for_page(driver, f"Seuraavaksi: {TITLE}")
        _scroll_to(driver, "Vuosikello")
        driver.save_screenshot(str(ARTIFACTS / "vuosikello_kokous.png"))

        _type(driver, "Päätös", DECISION)
        _choose(driver, "Toimenpide, jota päätös koskee", "J-3-1")
        _type(driver, "Vastuutaho", "Kunnat")
        click_button(driver, "Kirjaa")
        wait_for_page(driver, "Kirjattu #")
        assert exception_boxes(driver) == []
        _scroll_to(driver, "Kokoukset")  # the tables are canvas grids (no DOM text): the screenshot shows them
        driver.save_screenshot(str(ARTIFACTS / "vuosikello_paatos.png"))

        driver.get(url)  # the overview is public: a fresh session will do
        wait_for_page(driver, "Kokouksen päätökset ja sovitut toimenpiteet")
        body = driver.find_element(By.TAG_NAME, "body").text
        assert DECISION in body and "J-3-1" in body
        driver.save_screenshot(str(ARTIFACTS / "tilannekuva_paatos.png"))

    with connect_read(db) as con:
        meeting = con.execute("SELECT meeting_id, kind, meeting_date, origin FROM meeting WHERE title_fi = ?", [TITLE]).fetchone()
        decision = con.execute("SELECT meeting_id, action_id, responsible_fi, recorded_by FROM meeting_decision").fetchall()
    assert meeting[1:] == ("kuntafoorumi", date(2027, 1, 15), "admin")
    assert len(decision) == 1 and decision[0][1:3] == ("J-3-1", "Kunnat")

"""Issue 12 in a real browser: a coordinator logs in, records the status of an action the HVA alone answers for,
sees it at once on the overview and in the action's history on Tavoitteet; an own-metric file with an error is
rejected with row/column/value and nothing written, a good one shows as a trend. Screenshots in tests/artifacts."""
from __future__ import annotations

import shutil
import time

import pytest

from data_sources import own_metrics
from data_sources.admin_auth import hash_password
from store.warehouse import connect_read, table_checksum
from tests.browser import ARTIFACTS, chromium, exception_boxes, require_browser, running_app, wait_for_page

PASSWORD = "koordinaattori-testi"
ACTION = "J-3-2"  # "Rekrytointipalvelut hyvinvointialueella, vastaa rekrytointipäällikkö.": the HVA's alone
OWN_METRIC = "J-3-2-M1"  # maahanmuuttajien kiinnittyminen, reported by the HVA
NOTE = "Kansainvälisen rekrytoinnin malli käytössä"
RESPONSIBLE = "rekrytointipäällikkö"


def _visible_click(driver, label: str, timeout: float = 30) -> None:
    """Click the displayed button or tab with this label (hidden tabs keep their buttons in the DOM)."""
    from selenium.common.exceptions import ElementNotInteractableException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for button in driver.find_elements(By.CSS_SELECTOR, 'button, [role="tab"]'):
                if button.text.strip() == label and button.is_displayed():
                    button.click()
                    return
        except (StaleElementReferenceException, ElementNotInteractableException):
            pass
        time.sleep(0.3)
    raise AssertionError(f"no visible button {label!r}")


def _type(driver, label: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    field = next(e for e in driver.find_elements(By.CSS_SELECTOR, f'input[aria-label="{label}"]') if e.is_displayed())
    field.send_keys(text)


def _upload(driver, label_start: str, path: str) -> None:
    from selenium.webdriver.common.by import By

    uploader = next(u for u in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stFileUploader"]')
                    if u.is_displayed() and label_start in u.text)
    uploader.find_element(By.CSS_SELECTOR, 'input[type="file"]').send_keys(path)


def _own_metric_file(db, tmp_path, name: str, rows: list[tuple[str, str]]) -> str:
    with connect_read(db) as con:
        cat = own_metrics.catalogue(con)
    code = cat.loc[cat["metric_id"] == OWN_METRIC, "party_code"].iloc[0]
    lines = [";".join(own_metrics.COLUMNS.values())]
    lines += [f"{OWN_METRIC};;;;{code};{year};{value}" for year, value in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.browser
def test_coordinator_records_an_hva_action_and_sees_it_on_the_overview_and_in_its_history(demo_db, tmp_path,
                                                                                          monkeypatch):
    require_browser()
    from selenium.webdriver.common.by import By

    db = tmp_path / "followup.duckdb"
    shutil.copy2(demo_db, db)
    monkeypatch.setenv("TILANNEKUVA_ADMIN_PASSWORD_HASH", hash_password(PASSWORD, iterations=100_000))
    bad = _own_metric_file(db, tmp_path, "kiinnittyminen_rikki.csv", [("2022", "81"), ("2023", "8O")])
    good = _own_metric_file(db, tmp_path, "kiinnittyminen.csv", [("2022", "81"), ("2023", "84"), ("2024", "88")])
    own_tables = ("own_metric_value", "own_metric_file", "load_log")

    with running_app(db) as url, chromium() as driver:
        driver.get(f"{url}/yllapito?toimenpide={ACTION}")
        wait_for_page(driver, "Ylläpidon salasana")
        driver.find_element(By.CSS_SELECTOR, 'input[type="password"]').send_keys(PASSWORD)
        _visible_click(driver, "Kirjaudu")
        wait_for_page(driver, "Kirjautunut")
        _visible_click(driver, "Toimenpiteiden tila")
        wait_for_page(driver, "Vastuutahot: HVA")
        _type(driver, "Edistyminen lyhyesti (valinnainen)", NOTE)
        _type(driver, "Vastuuhenkilö (valinnainen)", RESPONSIBLE)
        _visible_click(driver, "Tallenna")
        wait_for_page(driver, f"{ACTION} — Pohjois-Savon hyvinvointialue: kyllä")
        assert exception_boxes(driver) == []
        driver.save_screenshot(str(ARTIFACTS / "seuranta_kirjaus_hva.png"))

        _visible_click(driver, "Omat mittarit")
        wait_for_page(driver, "Lataa pohja (CSV)")
        before = {t: table_checksum(connect_read(db), t) for t in own_tables}
        _upload(driver, "Täytetty pohja", bad)
        _visible_click(driver, "Tarkista ja tallenna omat mittarit")
        wait_for_page(driver, "Tiedosto hylättiin")
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "rivi 3, sarake 'arvo', arvo '8O'" in body
        driver.save_screenshot(str(ARTIFACTS / "seuranta_oma_mittari_hylatty.png"))
        assert {t: table_checksum(connect_read(db), t) for t in own_tables} == before, "a rejected file writes nothing"
        _upload(driver, "Täytetty pohja", good)
        _visible_click(driver, "Tarkista ja tallenna omat mittarit")
        wait_for_page(driver, "Tallennettu 3 arvoa")

        driver.get(url)
        wait_for_page(driver, "Koko suunnitelma")
        row = next(r for r in driver.find_elements(By.CSS_SELECTOR, "table tr") if r.text.startswith(ACTION))
        assert "kyllä" in row.text and "HVA: kyllä" in row.text and "kirjaus" in row.text, row.text
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", row)
        time.sleep(0.5)
        driver.save_screenshot(str(ARTIFACTS / "seuranta_yleiskuva.png"))

        driver.get(f"{url}/tavoitteet?tavoite=3&taso=J")
        wait_for_page(driver, "Tilan historia (1 kirjausta)")
        summary = next(s for s in driver.find_elements(By.CSS_SELECTOR, "summary")
                       if "Tilan historia (1 kirjausta)" in s.text and s.is_displayed())  # J-3-2's, not J-3-1's
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", summary)
        summary.click()
        details = summary.find_element(By.XPATH, "./ancestor::details[1]")
        deadline = time.monotonic() + 30
        while "ylläpito" not in details.text and time.monotonic() < deadline:
            time.sleep(0.3)
        history = details.text
        assert "kyllä" in history and RESPONSIBLE in history and NOTE in history and "ylläpito" in history, history
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "Oma mittari" in body and "kasvaa" in body
        assert exception_boxes(driver) == []
        time.sleep(0.5)
        driver.save_screenshot(str(ARTIFACTS / "seuranta_historia_ja_trendi.png"))
        charts = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]')
        assert charts, "the own metric's trend chart"
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", charts[0])
        time.sleep(1.0)
        driver.save_screenshot(str(ARTIFACTS / "seuranta_oma_mittari_trendi.png"))

    with connect_read(db) as con:
        rows = con.execute("SELECT municipality_code, status, note, responsible FROM action_status WHERE action_id = ?",
                           [ACTION]).fetchall()
        hva = con.execute("SELECT code FROM region WHERE category = 'HYVINVOINTIALUE'").fetchall()[0][0]
    assert (hva, "kyllä", NOTE, RESPONSIBLE) in rows

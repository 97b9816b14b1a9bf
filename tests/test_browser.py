"""What a person sees: every page in headless Chromium, no exception box, screenshots kept as artifacts."""
from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PAGES, chromium, exception_boxes, require_browser, running_app, wait_for_heading
from ui.page_registry import PAGES as REGISTRY

WITHOUT_DATA = {p.url_path for p in REGISTRY if not p.shows_data}



@pytest.mark.browser
def test_every_page_renders_without_exception(demo_db):
    require_browser()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(demo_db) as url, chromium() as driver:
        for path, expected in PAGES:
            driver.get(f"{url}/{path}")
            wait_for_heading(driver, expected)
            name = path.split("?")[0] or "tilannekuva"
            driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
            assert exception_boxes(driver) == [], f"{path}: {exception_boxes(driver)}"
            body = driver.find_element("tag name", "body").text
            assert "Esimerkkiaineisto — ei todellisia lukuja" in body or name in WITHOUT_DATA, f"{path}: demo label missing"


@pytest.mark.browser
def test_a_deep_link_opens_its_page_on_a_fresh_server_and_the_area_follows_the_municipality(demo_db):
    """Two bugs a person met: the first visit after a start showed the overview (the page's file name was not
    its URL path), and choosing another municipality kept the URL's earlier service-discussion area."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    require_browser()
    with running_app(demo_db) as url, chromium() as driver:
        driver.get(f"{url}/palvelukeskustelualue?kunta=749&alue=PK-KESKI")  # the server's very first visit
        wait_for_heading(driver, "Palvelukeskustelualue: Siilinjärvi, Lapinlahti, Kaavi ja Tuusniemi", timeout=90)
        # the municipality's box by its label (the language switch is the sidebar's first box)
        box = driver.find_element(By.XPATH, '//*[@data-testid="stSidebar"]//*[@data-testid="stSelectbox"]'
                                            '[.//label[normalize-space()="Kunta"]]//input')
        box.click()
        box.send_keys("Kuopio")
        box.send_keys(Keys.ENTER)
        wait_for_heading(driver, "Palvelukeskustelualue: Kuopio", timeout=60)
        assert "alue=PK-KUOPIO" in driver.current_url and "kunta=297" in driver.current_url

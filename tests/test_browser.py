"""What a person sees: every page in headless Chromium, no exception box, screenshots kept as artifacts."""
from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, PAGES, chromium, exception_boxes, require_browser, running_app, wait_for_page



@pytest.mark.browser
def test_every_page_renders_without_exception(demo_db):
    require_browser()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_app(demo_db) as url, chromium() as driver:
        for path, expected in PAGES:
            driver.get(f"{url}/{path}")
            wait_for_page(driver, expected)
            name = path.split("?")[0] or "tilannekuva"
            driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))
            assert exception_boxes(driver) == [], f"{path}: {exception_boxes(driver)}"
            body = driver.find_element("tag name", "body").text
            assert "Esimerkkiaineisto — ei todellisia lukuja" in body or name == "yllapito", f"{path}: demo label missing"

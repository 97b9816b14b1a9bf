"""Start the app for real and drive Debian's headless Chromium against it (selenium, no browser download)."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ui import page_registry
from common.i18n import in_language, t

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

# The demo region's example parameters per page (tests may name the bundled region's data).
EXAMPLE_QUERY = {
    "kunta": "kunta=749",
    "palvelukeskustelualue": "alue=PK-KESKI",
    "vertailu": "indikaattori=181",
    "trendit": "indikaattorit=181&alueet=KUNTA:297,MAA:358",
}
# Every page of the registry, by URL, with the start of its own heading (h1): a page counts as loaded only
# when that is shown (the sidebar's navigation also names every page, so body text is no proof).
PAGES = [("" if p.default else p.url_path + (f"?{EXAMPLE_QUERY[p.url_path]}" if p.url_path in EXAMPLE_QUERY else ""),
          t(p.title_key)) for p in page_registry.PAGES]


def require_browser() -> None:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("Debian chromium + chromium-driver puuttuvat (asenna: apt-get install chromium chromium-driver)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(db: Path, region: str | None = None):
    """The app served on a free local port (for `region`'s folder when given); yields its URL."""
    with app_server(db, region=region) as (url, _proc):
        yield url


@contextlib.contextmanager
def app_server(db: Path, start_timeout: float = 60, script: Path | None = None, region: str | None = None):
    """`streamlit run app.py` (or `script`, served the same way) on `db`; yields (url, process) once the
    health check answers."""
    port = free_port()
    env = {**os.environ, "TILANNEKUVA_DB": str(db), **({"TILANNEKUVA_REGION": region} if region else {})}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{port}.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script or PROJECT_ROOT / "app.py"), "--server.headless", "true",
         "--server.fileWatcherType", "none",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        # A file, not a pipe: an unread pipe fills up and would stall the server.
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not start")
        yield url, proc
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
        if proc.poll() is None:
            proc.kill()
        log.close()


@contextlib.contextmanager
def chromium(width: int = 1400, height: int = 1800, performance_log: bool = False):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={width},{height}", "--lang=fi-FI"):
        options.add_argument(flag)
    if performance_log:  # Network.* events (e.g. websocket frames) readable with driver.get_log("performance")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_heading(driver, text: str, timeout: float = 60) -> None:
    """Wait until the page's own heading (h1) starts with `text` and the app has stopped running: how a
    page counts as loaded (the sidebar's navigation names every page, so body text is no proof)."""
    _wait(driver, lambda body, headings: any(h.startswith(text) for h in headings), text, timeout)


def wait_for_page(driver, text: str, timeout: float = 60) -> None:
    """Wait until the app shows `text` anywhere and has stopped running (a message, a form's result)."""
    _wait(driver, lambda body, headings: text in body, text, timeout)


def _wait(driver, done, text: str, timeout: float) -> None:
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        body = driver.find_element(By.TAG_NAME, "body").text
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMain"] h1')]
        running = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
        if done(body, headings) and not running:
            time.sleep(1.0)  # let charts finish drawing
            return
        time.sleep(0.5)
    raise AssertionError(f"page never showed {text!r}; body starts: {body[:300]!r}")


def click_button(driver, label: str, timeout: float = 30) -> None:
    """Click the button with this label once the app has rendered it (Streamlit re-renders often)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            for button in driver.find_elements(By.TAG_NAME, "button"):
                if button.text.strip() == label:
                    button.click()
                    return
        except StaleElementReferenceException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"no button {label!r}")


def log_in(driver, url: str, password: str, lang: str = "fi") -> None:
    """Log in on the admin page with the password (the session keeps the login while it follows links), in
    the page's words of `lang`."""
    from selenium.webdriver.common.by import By

    with in_language(lang):
        password_label, login, logged_in = t("admin.password"), t("admin.login"), t("admin.logged_in", user="")
    driver.get(f"{url}/yllapito" + ("" if lang == "fi" else f"?lang={lang}"))
    wait_for_page(driver, password_label)
    driver.find_element(By.CSS_SELECTOR, 'input[type="password"]').send_keys(password)
    click_button(driver, login)
    wait_for_page(driver, logged_in.strip())


def exception_boxes(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')]

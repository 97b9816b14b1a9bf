"""The deployment's reverse proxy, for real: Debian's nginx with deploy/nginx/tilannekuva.conf in front of the app.

The committed nginx file is rendered with loopback ports, a throwaway self-signed certificate and temporary log
paths (nothing else changes), nginx runs in the foreground with its own prefix in a temporary folder, and the app
runs as tests/browser.py starts it. Checked through the proxy: HTTP redirects to HTTPS, the health check answers,
operator-only endpoints are blocked, an oversized upload is refused by nginx with the Finnish 413 page while a
file at the app's limit still reaches the app, and (headless Chromium) pages render over TLS - which needs the
websocket through the proxy. Skips cleanly without nginx or a way to make a certificate.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.browser import ARTIFACTS, CHROMEDRIVER, CHROMIUM, PAGES, PROJECT_ROOT, app_server, exception_boxes, \
    free_port, require_browser, wait_for_page

SITE_CONF = PROJECT_ROOT / "deploy" / "nginx" / "tilannekuva.conf"
ERROR_PAGES = PROJECT_ROOT / "deploy" / "nginx" / "errors"
STREAMLIT_CONFIG = PROJECT_ROOT / ".streamlit" / "config.toml"
HOST = "tilannekuva.test"  # not an IP: Streamlit's websocket origin check then really depends on the Host header
MIB = 1024 * 1024
TOO_LARGE_TEXT = "Tiedosto on liian suuri"
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")  # self-signed on purpose


# --- settings that must agree (no nginx needed) -------------------------------------------------------------

def streamlit_config() -> dict:
    return tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))


def test_streamlit_config_keys_exist_in_installed_streamlit():
    from streamlit import config

    options = config.get_config_options(force_reparse=True)
    for section, values in streamlit_config().items():
        for key, value in values.items():
            name = f"{section}.{key}"
            assert name in options, f"{name} is not an option of the installed Streamlit"
            assert config.get_option(name) == value, f"{name}: Streamlit reads {config.get_option(name)!r}"
    assert config.get_option("client.showErrorDetails") == "none"
    assert config.get_option("client.toolbarMode") == "viewer"
    assert config.get_option("browser.gatherUsageStats") is False


def test_upload_limits_agree():
    """The app's file cap, Streamlit's upload limit and nginx's body limit (file + 1 MB multipart framing)."""
    from data_sources.uploads import MAX_FILE_BYTES

    upload_mb = streamlit_config()["server"]["maxUploadSize"]
    assert upload_mb * MIB == MAX_FILE_BYTES
    body = re.search(r"^\s*client_max_body_size\s+(\d+)m;", SITE_CONF.read_text(), re.M)
    assert body and int(body.group(1)) == upload_mb + 1
    assert f"{upload_mb} Mt" in (ERROR_PAGES / "413.html").read_text(encoding="utf-8")


# --- nginx in front of the app --------------------------------------------------------------------------------

def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        import datetime

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        openssl = shutil.which("openssl")
        if not openssl:
            pytest.skip("no cryptography package and no openssl: cannot make a test certificate")
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={HOST}",
             "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"],
            check=True, capture_output=True, timeout=30)
        return cert, key
    import ipaddress

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(private, hashes.SHA256()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert, key


def render_site(folder: Path, app_port: int, http_port: int, https_port: int, cert: Path, key: Path) -> str:
    """deploy/nginx/tilannekuva.conf with only its placeholders replaced; a missing placeholder fails loudly."""
    text = SITE_CONF.read_text(encoding="utf-8")
    substitutions = [
        ("listen [::]:80;", ""),  # loopback IPv4 only in the test
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};"),
        ("/etc/ssl/tilannekuva/fullchain.pem", str(cert)),
        ("/etc/ssl/tilannekuva/privkey.pem", str(key)),
        ("/opt/tilannekuva/deploy/nginx/errors/", f"{ERROR_PAGES}/"),
        ("/var/log/nginx/tilannekuva.access.log", str(folder / "access.log")),
        ("/var/log/nginx/tilannekuva.error.log", str(folder / "site-error.log")),
        ("/var/www/letsencrypt", str(folder / "acme")),
        ("tilannekuva.example.fi", HOST),
    ]
    for old, new in substitutions:
        assert old in text, f"{SITE_CONF.name} no longer contains {old!r}: update the test's substitutions"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf provides around a site, with every path inside `folder`."""
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").is_file() \
        else "types { text/html html; }"
    # As root, nginx would switch its workers to `nobody`, which cannot read pytest's private temp folder.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} info;
events {{ worker_connections 256; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log {folder / 'main-access.log'};
{temp}
    include {site};
}}
"""


def wait_for_log(path: Path, pattern: str, timeout: float = 10) -> str:
    """nginx writes the access log line when it finalises the request, which can be just after the reply."""
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        if re.search(pattern, text) or time.monotonic() > deadline:
            assert re.search(pattern, text), f"{pattern!r} not in the access log; it ends:\n{text[-2000:]}"
            return text
        time.sleep(0.2)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen on {port}")


@contextlib.contextmanager
def nginx_in_front_of(app_url: str, folder: Path):
    if not NGINX:
        pytest.skip("nginx puuttuu (asenna: apt-get install nginx)")
    cert, key = make_certificate(folder)
    (folder / "acme").mkdir()
    app_port = int(app_url.rsplit(":", 1)[1])
    http_port, https_port = free_port(), free_port()
    site = folder / "tilannekuva.conf"
    site.write_text(render_site(folder, app_port, http_port, https_port, cert, key), encoding="utf-8")
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site), encoding="utf-8")
    args = [NGINX, "-p", f"{folder}/", "-e", str(folder / "error.log"), "-c", str(conf)]
    check = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, f"nginx -t refused the rendered config:\n{check.stderr}"
    log = open(folder / "nginx.out", "wb")
    proc = subprocess.Popen([*args, "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(https_port, proc)
        wait_for_port(http_port, proc)
        yield SimpleNamespace(
            app=app_url, https=f"https://127.0.0.1:{https_port}", http=f"http://127.0.0.1:{http_port}",
            browser_url=f"https://{HOST}:{https_port}", https_port=https_port, access_log=folder / "access.log")
    finally:
        proc.terminate()  # SIGTERM: nginx's fast shutdown
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        log.close()
        with contextlib.suppress(OSError):
            shutil.copy2(folder / "error.log", ARTIFACTS / "nginx-error.log")


@pytest.fixture(scope="module")
def proxy(demo_db, tmp_path_factory):
    if not NGINX:
        pytest.skip("nginx puuttuu (asenna: apt-get install nginx)")
    with app_server(demo_db) as (app_url, _proc):
        with nginx_in_front_of(app_url, tmp_path_factory.mktemp("nginx")) as running:
            yield running


@pytest.fixture(scope="module")
def http():
    import requests
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment between the test and loopback
    session.verify = False  # the throwaway self-signed certificate
    yield session
    session.close()


def test_http_redirects_to_https(proxy, http):
    response = http.get(proxy.http + "/kunta?kunta=749", allow_redirects=False, timeout=10)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/kunta?kunta=749"


def test_health_and_security_headers_through_proxy(proxy, http):
    health = http.get(proxy.https + "/_stcore/health", timeout=10)
    assert health.status_code == 200 and health.text == "ok"
    page = http.get(proxy.https + "/", timeout=10)
    assert page.status_code == 200 and "<noscript>" in page.text.lower()
    headers = page.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    assert headers["Server"] == "nginx"  # server_tokens off: no version


@pytest.mark.parametrize("path", [
    "/_stcore/metrics",
    "/_stcore/metrics?families=session_events_total",
    "/_stcore/%6detrics",          # %-encoded: nginx matches the decoded URI
    "//_stcore/metrics",           # merged slashes
    "/_stcore/script-health-check",
    "/_stcore/agent/openapi.json",
    "/_stcore/agent/mcp",
])
def test_operator_endpoints_blocked_at_proxy(proxy, http, path):
    response = http.get(proxy.https + path, timeout=10)
    assert response.status_code in (403, 404), (path, response.status_code, response.text[:200])
    assert "cache_memory_bytes" not in response.text and "session_" not in response.text


def test_metrics_answer_on_the_app_itself(proxy, http):
    """The block above is the proxy's doing: the app serves metrics to the operator on loopback."""
    response = http.get(proxy.app + "/_stcore/metrics", timeout=10)
    assert response.status_code == 200 and "session" in response.text


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_oversized_upload_refused_by_proxy_with_finnish_page(proxy, http, method):
    body = b"a" * (11 * MIB + 1)
    response = http.request(method, proxy.https + "/_stcore/upload_file/session/file", data=body,
                            headers={"Content-Type": "application/octet-stream"}, timeout=60)
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("text/html")
    response.encoding = "utf-8"
    assert TOO_LARGE_TEXT in response.text and "10 Mt" in response.text
    assert "Strict-Transport-Security" in response.headers  # security headers on error pages too
    wait_for_log(proxy.access_log, rf'"{method} /_stcore/upload_file/session/file HTTP/1\.1" 413 ')


def test_file_at_the_app_limit_passes_the_proxy(proxy, http):
    """A 10 MB file in a multipart body (a little over 10 MB) reaches Streamlit, which answers for itself."""
    response = http.put(proxy.https + "/_stcore/upload_file/no-such-session/no-such-file",
                        files={"file": ("vastaukset.csv", b"a" * (10 * MIB), "text/csv")}, timeout=60)
    assert response.status_code not in (413, 502, 504), response.status_code
    assert TOO_LARGE_TEXT not in response.text


# --- headless Chromium through the proxy ----------------------------------------------------------------------

@contextlib.contextmanager
def proxied_chromium(width: int = 1400, height: int = 1800):
    """tests/browser.py's Chromium, plus: accept the test certificate, resolve the test host to loopback."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={width},{height}", "--lang=fi-FI",
                 "--ignore-certificate-errors", "--no-proxy-server", f"--host-resolver-rules=MAP {HOST} 127.0.0.1"):
        options.add_argument(flag)
    options.accept_insecure_certs = True
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


FETCH_OVERSIZED = """
const done = arguments[arguments.length - 1];
fetch('/_stcore/upload_file/session/file', {method: 'PUT', body: new Blob([new Uint8Array(11 * 1024 * 1024 + 1)])})
  .then(async r => done({status: r.status, text: await r.text()}))
  .catch(e => done({status: -1, text: String(e)}));
"""


@pytest.mark.browser
def test_pages_render_through_proxy(proxy):
    require_browser()
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with proxied_chromium() as driver:
        for path, text in PAGES[:2]:  # the overview and one municipality page
            driver.get(f"{proxy.browser_url}/{path}")
            wait_for_page(driver, text, timeout=90)  # the app renders only over the websocket
            assert not exception_boxes(driver), (path, exception_boxes(driver))
            assert driver.current_url.startswith(proxy.browser_url)
        driver.save_screenshot(str(ARTIFACTS / "proxy-kunta.png"))
        # Readers get no Deploy button (client.toolbarMode = "viewer").
        assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stAppDeployButton"]')

        # An oversized upload from the browser: refused by nginx with the Finnish page.
        result = driver.execute_async_script(FETCH_OVERSIZED)
        assert result["status"] == 413, result
        assert TOO_LARGE_TEXT in result["text"]

        # The same toolbar even on localhost, where Streamlit's default ("auto") would show developer options.
        driver.get(proxy.app + "/")
        wait_for_page(driver, PAGES[0][1], timeout=90)
        assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stAppDeployButton"]')
        # The main menu keeps the reader items only ("auto" would list Rerun and Clear cache here).
        driver.find_element(By.CSS_SELECTOR, '[data-testid="stMainMenu"] button').click()
        deadline = time.monotonic() + 10
        while not (menu := driver.find_elements(By.CSS_SELECTOR, '[data-testid="stMainMenuPopover"]')) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert menu and "Print" in menu[0].text, "the main menu did not open"
        assert "Clear cache" not in menu[0].text and "Rerun" not in menu[0].text, menu[0].text
        driver.save_screenshot(str(ARTIFACTS / "proxy-direct-localhost.png"))

    # The websockets really went through nginx, upgraded (HTTP 101): nginx logs one when it closes, i.e. now.
    wait_for_log(proxy.access_log, r'"GET /_stcore/stream HTTP/1\.1" 101 ')

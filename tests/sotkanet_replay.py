"""A local Sotkanet replay server for tests: http.server in a thread on 127.0.0.1, port 0.

Serves recorded or constructed response bytes verbatim under /rest/1.1/. Like the real service it
answers 403 when the User-Agent is missing, "null" or python-requests' default. Faults are
scripted per route: `server.script("json:171", [(500, {}, b"..."), ...])` — each request to that
route consumes one scripted response before the normal one is served. Every request is logged.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

JSON = "application/json;charset=UTF-8"
CSV = "text/csv;charset=UTF-8"
PREFIX = "/rest/1.1/"


@dataclass
class ReplayState:
    regions: bytes = b"[]"
    indicator_list: bytes = b"[]"
    metadata: dict[int, bytes] = field(default_factory=dict)
    json_rows: dict[int, bytes] = field(default_factory=dict)
    csv_rows: dict[int, bytes] = field(default_factory=dict)
    scripts: dict[str, list[tuple[int, dict, bytes]]] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    state: ReplayState  # set on the subclass
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str = JSON, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        ua = self.headers.get("User-Agent")
        st = self.state
        route = parts.path[len(PREFIX):] if parts.path.startswith(PREFIX) else parts.path
        if route in ("json", "csv"):
            route_key = f"{route}:{(query.get('indicator') or ['?'])[0]}"
        else:
            route_key = route
        with st.lock:
            st.requests.append({"route": route_key, "query": query, "user_agent": ua})
        if ua is None or ua.strip().lower() == "null" or ua.startswith("python-requests"):
            return self._send(403, b"<html><body>403 Forbidden</body></html>", "text/html")
        with st.lock:
            scripted = st.scripts.get(route_key)
            if scripted:
                status, headers, body = scripted.pop(0)
                headers = dict(headers)
                ctype = headers.pop("Content-Type", JSON)
                return self._send(status, body, ctype, headers)
        if route == "regions":
            return self._send(200, st.regions)
        if route == "indicators":
            return self._send(200, st.indicator_list)
        if route.startswith("indicators/"):
            key = route.split("/", 1)[1]
            if key.isdigit() and int(key) in st.metadata:
                return self._send(200, st.metadata[int(key)])
            return self._send(404, b'{"error":"not found"}')
        if route in ("json", "csv"):
            ind = (query.get("indicator") or [""])[0]
            store = st.json_rows if route == "json" else st.csv_rows
            if ind.isdigit() and int(ind) in store:
                return self._send(200, store[int(ind)], JSON if route == "json" else CSV)
            return self._send(200, b"[]" if route == "json" else b"indicator;region;year;gender;primary value;absolute value\n",
                              JSON if route == "json" else CSV)
        return self._send(404, b'{"error":"unknown path"}')


class ReplayServer:
    def __init__(self, state: ReplayState | None = None):
        self.state = state or ReplayState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{PREFIX}"

    def script(self, route_key: str, responses: list[tuple[int, dict, bytes]]) -> None:
        with self.state.lock:
            self.state.scripts[route_key] = list(responses)

    def requests_to(self, route_key: str) -> list[dict]:
        with self.state.lock:
            return [r for r in self.state.requests if r["route"] == route_key]

    def clear_log(self) -> None:
        with self.state.lock:
            self.state.requests.clear()

    def __enter__(self) -> "ReplayServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

"""Sotkanet REST API 1.1 (THL's indicator bank): the client and pure parsing.

One small function per endpoint, as in rOpenGov's `sotkanet` R package:

    /regions                      get_regions        -> parse_regions
    /indicators                   get_indicator_list -> parse_indicator_list
    /indicators/{id}              get_indicator_metadata -> parse_indicator_metadata
    /json?indicator=&years=&genders=   get_data_json -> sotkanet_rows.read_rows
    /csv?indicator=&years=&genders=    get_data_csv  -> sotkanet_rows.read_rows

Fetching returns a `Fetched` (the raw bytes and status, nothing parsed), so a load can dump every
response byte-for-byte and replay it offline. Parsing is pure (bytes in, DataFrame/dataclass out;
the data rows are parsed and checked in DuckDB, data_sources/sotkanet_rows.py) and raises SotkanetError with a reason a data-team member understands. Nothing from Sotkanet is
rendered raw: descriptions go through `html_to_text`.

Data rows name regions by Sotkanet's internal id; `/regions` maps id -> (category, code). Codes
repeat across categories (SAIRAANHOITOPIIRI 13 vs HYVINVOINTIALUE 13), so a region is always the
pair (category, code).

Long because it is the whole Sotkanet contract: the API's responses, metadata, region id mapping and the recorded-dump format, all pure parsing.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin

import pandas as pd

from common.clock import iso_utc
from common.i18n import Phrase, joined

METADATA_URL = "https://sotkanet.fi/sotkanet/fi/metadata/indicators/{id}"
GENDERS = ("male", "female", "total")


class SotkanetError(ValueError):
    """A response that cannot be used; the message says why: Finnish text with its key beside (a Phrase, or
    phrases joined; common/strings/sotkanet.toml), so it is stored in Finnish and shown in the reader's
    language (common.i18n.shown)."""

    @property
    def reason(self):
        return self.args[0] if self.args else ""


# What a reason is about ("aluelista: …"): the object's word, joined to the reason (common.i18n.joined).
REGIONS = Phrase("sotkanet.what.regions")
INDICATOR_LIST = Phrase("sotkanet.what.indicator_list")
METADATA = Phrase("sotkanet.what.metadata")
DATA_ROWS = Phrase("sotkanet.what.data_rows")


def about(what, key: str, **values):
    """The reason `key` (sotkanet.<key>), named after what it is about when `what` is given."""
    reason = Phrase(f"sotkanet.{key}", **values)
    return joined([what, reason], ": ") if what else reason


def problem(what, key: str, **values) -> SotkanetError:
    return SotkanetError(about(what, key, **values))


# ---------------------------------------------------------------- fetching


@dataclass(frozen=True)
class Fetched:
    """One raw response (or a transport error) for one request."""

    path: str  # relative to the base URL, e.g. "indicators/127"
    params: tuple[tuple[str, str], ...]
    url: str
    status: int | None  # None: no HTTP response (connection error, timeout)
    content_type: str
    body: bytes
    fetched_at: str
    error: str | None = None
    file: Path | None = None  # where `body` already is on disk (a dump), so the rows are read from there
    digest: str | None = None  # the body's sha256 when already known (a dump's, verified when it was opened)

    @property
    def sha256(self) -> str:
        return self.digest or hashlib.sha256(self.body).hexdigest()


def request_key(path: str, params: tuple[tuple[str, str], ...]) -> str:
    """A canonical name for a request (repeated parameters keep their order)."""
    return path + ("?" + urlencode(list(params)) if params else "")


class HttpSource:
    """Fetch from the live API with a prepared session (data_sources.http.make_session)."""

    generated = None  # live responses are never generated (cf. DumpSource.generated)

    def __init__(self, session, base_url: str, dump: "DumpWriter | None" = None):
        self.session = session
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.dump = dump

    def describe(self) -> str:
        return self.base_url

    def fetch(self, path: str, params: tuple[tuple[str, str], ...] = ()) -> Fetched:
        import requests

        url = urljoin(self.base_url, path)
        now = iso_utc()
        try:
            resp = self.session.get(url, params=list(params))
            fetched = Fetched(path, params, resp.url, resp.status_code, resp.headers.get("Content-Type", ""),
                              resp.content, now)
        except requests.RequestException as exc:
            fetched = Fetched(path, params, url + ("?" + urlencode(list(params)) if params else ""), None, "",
                              b"", now, error=_transport_reason(exc))
        if self.dump is not None:
            self.dump.add(fetched)
        return fetched


def _transport_reason(exc: Exception) -> str:
    import requests

    if isinstance(exc, requests.Timeout):
        return Phrase("sotkanet.transport.timeout")
    if isinstance(exc, requests.exceptions.RetryError):
        return Phrase("sotkanet.transport.retries", error=str(exc))
    if isinstance(exc, requests.ConnectionError):
        return Phrase("sotkanet.transport.connection", error=exc.__class__.__name__)
    return f"{exc.__class__.__name__}: {exc}"


class DumpWriter:
    """Save every raw response byte-for-byte plus manifest.json (thread-safe)."""

    def __init__(self, folder: Path, base_url: str, generated: str | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.base_url = base_url
        self.generated = generated  # a label when the responses were made up (bench/), never for recorded ones
        self.entries: dict[str, dict] = {}
        self._lock = threading.Lock()

    def add(self, f: Fetched) -> None:
        key = request_key(f.path, f.params)
        stem = f.path.replace("/", "_") or "root"
        digest = hashlib.sha1(key.encode()).hexdigest()[:10]
        ext = "csv" if f.path == "csv" else "json"
        name = f"{stem}_{digest}.{ext}"
        (self.folder / name).write_bytes(f.body)
        with self._lock:
            self.entries[key] = {
                "key": key, "url": f.url, "path": f.path, "params": [list(p) for p in f.params],
                "fetched_at": f.fetched_at, "status": f.status, "content_type": f.content_type,
                "sha256": f.sha256, "bytes": len(f.body), "file": name, "error": f.error,
            }

    def write_manifest(self) -> Path:
        with self._lock:
            entries = sorted(self.entries.values(), key=lambda e: e["key"])
        manifest = {"format": "tilannekuva-sotkanet-dump/1", "base_url": self.base_url,
                    "created_at": iso_utc(), "entries": entries}
        if self.generated:
            manifest["generated"] = self.generated
        path = self.folder / "manifest.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
        return path


class DumpError(RuntimeError):
    """The dump folder cannot be used (missing manifest, changed files)."""


class DumpSource:
    """Replay a folder written by DumpWriter, offline. Every file's sha256 is verified up front."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        manifest_path = self.folder / "manifest.json"
        if not manifest_path.is_file():
            raise DumpError(Phrase("sotkanet.dump.no_manifest", folder=str(self.folder)))
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            entries = manifest["entries"]
        except (ValueError, KeyError, TypeError) as exc:
            raise DumpError(Phrase("sotkanet.dump.broken_manifest", error=str(exc))) from exc
        self.base_url = manifest.get("base_url", "")
        # Responses made up by a generator (bench/scale.py): what is loaded from them is stored as demo data.
        self.generated = manifest.get("generated") or None
        self.entries: dict[str, dict] = {}
        problems = []
        for e in entries:
            file = self.folder / e["file"]
            if not file.is_file():
                problems.append(Phrase("sotkanet.dump.file_missing", file=e["file"]))
                continue
            with file.open("rb") as f:  # streamed: a 1× dump file is ~4 MB, the whole dump 1,2 GB
                actual = hashlib.file_digest(f, "sha256").hexdigest()
            if actual != e["sha256"]:
                problems.append(Phrase("sotkanet.dump.checksum", file=e["file"], expected=e["sha256"][:12],
                                       actual=actual[:12]))
            self.entries[e["key"]] = e
        if problems:
            raise DumpError(joined([Phrase("sotkanet.dump.invalid"), *problems], "\n  - "))

    def describe(self) -> str:
        """The load log's target (Finnish, its key beside: common.i18n.shown gives the reader's language)."""
        if self.generated:
            return Phrase("sotkanet.source.generated", folder=str(self.folder), label=self.generated)
        return Phrase("sotkanet.source.dump", folder=str(self.folder), base_url=self.base_url)

    def fetch(self, path: str, params: tuple[tuple[str, str], ...] = ()) -> Fetched:
        key = request_key(path, params)
        e = self.entries.get(key)
        if e is None:
            return Fetched(path, params, key, None, "", b"", "", error=Phrase("sotkanet.dump.no_request", request=key))
        body = (self.folder / e["file"]).read_bytes()
        return Fetched(path, tuple(tuple(p) for p in e["params"]), e["url"], e["status"], e.get("content_type") or "",
                       body, e["fetched_at"], error=e.get("error"), file=self.folder / e["file"],
                       digest=e["sha256"])


# One function per endpoint. `source` is an HttpSource or a DumpSource.

def get_regions(source) -> Fetched:
    return source.fetch("regions")


def get_indicator_list(source) -> Fetched:
    return source.fetch("indicators")


def get_indicator_metadata(source, indicator_id: int) -> Fetched:
    return source.fetch(f"indicators/{int(indicator_id)}")


def data_params(indicator_id: int, years: list[int], genders: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return (("indicator", str(int(indicator_id))), *(("years", str(y)) for y in years),
            *(("genders", g) for g in genders))


def get_data_json(source, indicator_id: int, years: list[int], genders: tuple[str, ...] = ("total",)) -> Fetched:
    return source.fetch("json", data_params(indicator_id, years, genders))


def get_data_csv(source, indicator_id: int, years: list[int], genders: tuple[str, ...] = ("total",)) -> Fetched:
    return source.fetch("csv", data_params(indicator_id, years, genders))


# ---------------------------------------------------------------- response checks


def check_response(f: Fetched, kind: str = "json") -> bytes:
    """The body of a usable response, or SotkanetError saying why not."""
    if f.error:
        raise SotkanetError(f.error)
    if f.status != 200:
        status = f.status or 0
        hint = str(status) if status in (403, 404, 429) else "server" if status >= 500 else "other"
        raise problem(None, f"http.{hint}", status=f.status, url=f.url)
    media = f.content_type.split(";")[0].strip().lower()
    if media in ("text/html", "application/xhtml+xml", "text/xml", "application/xml"):
        raise problem(None, "response.not_data", media=media, kind=kind.upper())
    if kind == "csv" and "json" in media:
        raise problem(None, "response.not_csv", media=media)
    return f.body


def load_json(body: bytes, what: Phrase):
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise problem(what, "json.not_utf8", byte=exc.start) from exc
    except json.JSONDecodeError as exc:
        text = body.decode("utf-8-sig", "replace").rstrip()
        if not text or text[-1] not in "]}" or exc.pos >= len(text) - 1:
            raise problem(what, "json.truncated", bytes=len(body)) from exc
        raise problem(what, "json.invalid", line=exc.lineno, column=exc.colno, reason=exc.msg) from exc


# ---------------------------------------------------------------- parsing: regions and indicators


def parse_regions(body: bytes) -> pd.DataFrame:
    """/regions -> id, code, category, title_fi, title_sv, title_en (one row per region)."""
    data = load_json(body, REGIONS)
    if not isinstance(data, list) or not data:
        raise problem(REGIONS, "regions.expected_array")
    rows = []
    for i, r in enumerate(data):
        if not isinstance(r, dict) or not isinstance(r.get("id"), int) or isinstance(r.get("id"), bool):
            raise problem(REGIONS, "regions.no_id", index=i)
        code, category = r.get("code"), r.get("category")
        if not isinstance(code, str) or not isinstance(category, str):
            raise problem(REGIONS, "regions.no_code", id=r["id"])
        title = r.get("title") or {}
        rows.append((r["id"], code, category, title.get("fi") or code, title.get("sv"), title.get("en")))
    frame = pd.DataFrame(rows, columns=["id", "code", "category", "title_fi", "title_sv", "title_en"])
    dup = frame[frame["id"].duplicated()]
    if not dup.empty:
        raise problem(REGIONS, "regions.id_repeats", id=int(dup["id"].iloc[0]))
    # A region is the pair (category, code): two ids for one pair would give it two values for a year.
    twice = frame[frame.duplicated(["category", "code"], keep=False)]
    if not twice.empty:
        first = twice.iloc[0]
        ids = twice.loc[(twice["category"] == first["category"]) & (twice["code"] == first["code"]), "id"]
        raise problem(REGIONS, "regions.pair_repeats", category=first["category"], code=first["code"],
                      ids=", ".join(map(str, ids)))
    return frame


def parse_indicator_list(body: bytes) -> pd.DataFrame:
    """/indicators -> id, title_fi, title_sv, title_en, organisation."""
    data = load_json(body, INDICATOR_LIST)
    if not isinstance(data, list):
        raise problem(INDICATOR_LIST, "json.expected_array")
    rows = []
    for i, r in enumerate(data):
        if not isinstance(r, dict) or not isinstance(r.get("id"), int):
            raise problem(INDICATOR_LIST, "indicators.no_id", index=i)
        title = r.get("title") or {}
        org = ((r.get("organization") or {}).get("title") or {}).get("fi")
        rows.append((r["id"], title.get("fi"), title.get("sv"), title.get("en"), org))
    return pd.DataFrame(rows, columns=["id", "title_fi", "title_sv", "title_en", "organisation"])


@dataclass(frozen=True)
class IndicatorMeta:
    id: int
    title_fi: str
    title_sv: str | None
    title_en: str | None
    unit: str | None
    decimals: int | None
    organisation: str | None
    data_updated: date | None
    range_start: int | None
    range_end: int | None
    description_fi: str | None
    interpretation_fi: str | None
    limits_fi: str | None
    genders: tuple[str, ...] = field(default=())
    # Sotkanet's own Swedish texts (None where the API gives none); the reader in Swedish gets them in the
    # _fi columns' place (store.warehouse.localize), Finnish where Swedish is missing.
    description_sv: str | None = None
    interpretation_sv: str | None = None
    limits_sv: str | None = None

    @property
    def metadata_url(self) -> str:
        return METADATA_URL.format(id=self.id)


def _fi(obj, key: str, language: str = "fi") -> str | None:
    """obj[key][language] of a Sotkanet text field ({"fi": …, "sv": …, "en": …}); None when absent."""
    value = (obj.get(key) or {}) if isinstance(obj, dict) else {}
    return value.get(language) if isinstance(value, dict) else None


def parse_indicator_metadata(body: bytes | dict, expected_id: int | None = None) -> IndicatorMeta:
    """/indicators/{id} -> IndicatorMeta (descriptions in Finnish and Swedish as safe plain text)."""
    data = load_json(body, METADATA) if isinstance(body, (bytes, bytearray)) else body
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise problem(METADATA, "metadata.not_an_object")
    if expected_id is not None and data["id"] != expected_id:
        raise problem(METADATA, "metadata.wrong_id", asked=expected_id, got=data["id"])
    title = data.get("title") or {}
    if not title.get("fi"):
        raise problem(METADATA, "metadata.no_finnish_title", id=data["id"])
    updated = data.get("data-updated")
    try:
        updated_date = date.fromisoformat(updated[:10]) if updated else None
    except (TypeError, ValueError) as exc:
        raise problem(METADATA, "metadata.bad_updated", value=repr(updated)) from exc
    rng = data.get("range") or {}
    start, end = rng.get("start"), rng.get("end")
    for name, value in (("range.start", start), ("range.end", end)):
        if value is not None and not isinstance(value, int):
            raise problem(METADATA, "metadata.bad_year", name=name, value=repr(value))
    decimals = data.get("decimals")
    sex = ((data.get("classifications") or {}).get("sex") or {}).get("values") or []
    return IndicatorMeta(
        id=data["id"],
        title_fi=html_to_text(title["fi"]) or str(data["id"]),
        title_sv=html_to_text(title.get("sv")),
        title_en=html_to_text(title.get("en")),
        unit=html_to_text(_fi(data.get("primaryValueType") or {}, "title")),
        decimals=decimals if isinstance(decimals, int) else None,
        organisation=html_to_text(_fi(data.get("organization") or {}, "title")),
        data_updated=updated_date,
        range_start=start,
        range_end=end,
        description_fi=html_to_text(_fi(data, "description")),
        interpretation_fi=html_to_text(_fi(data, "interpretation")),
        limits_fi=html_to_text(_fi(data, "limits")),
        genders=tuple(g for g in sex if g in GENDERS),
        description_sv=html_to_text(_fi(data, "description", "sv")),
        interpretation_sv=html_to_text(_fi(data, "interpretation", "sv")),
        limits_sv=html_to_text(_fi(data, "limits", "sv")),
    )


# ---------------------------------------------------------------- HTML to plain text


class _TextExtractor(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
             "blockquote", "pre", "section", "article", "dd", "dt", "hr"}
    SKIP = {"script", "style", "head", "title", "noscript", "template", "iframe", "object"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_to_text(value: str | None) -> str | None:
    """Sotkanet's HTML fragments as plain text: tags dropped, entities decoded, <br>/<p> as line
    breaks (at most one empty line in a row), script/style content removed. None for empty."""
    if value is None:
        return None
    parser = _TextExtractor()
    parser.feed(str(value))
    parser.close()
    text = "".join(parser.parts).replace("\r", "\n").replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    result = "\n".join(out).strip()
    return result or None

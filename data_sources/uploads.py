"""Reading untrusted uploaded tables (survey exports, action-status files): bytes -> rows, or every problem.

Encoding and delimiter are detected (BOM, strict UTF-8, charset-normalizer limited to the code pages Finnish
Excel writes; csv.Sniffer with a column-count check), never assumed. XLSX is read with openpyxl read-only and
without evaluating formulas, behind size and zip-bomb guards. Problems carry row (header = 1), column and value,
and a file with any problem is rejected whole. Municipality names resolve with or without diacritics, in Swedish
or as codes, with a suggestion for near misses.

Hostile input costs bounded work: a path is read only when it is a regular file (a device, FIFO or folder is
refused without reading or blocking) and never more than MAX_FILE_BYTES + 1 bytes of it; a header wider than
MAX_COLUMNS is refused before any column is looked at; the problem list stops at MAX_PROBLEMS; and the
"did you mean" suggestions (difflib) run for at most MAX_SUGGESTIONS problems per file.

Long because untrusted-file reading has many guards (encodings, delimiters, XLSX bombs, special files) and each needs its explanation.
"""
from __future__ import annotations

import codecs
import csv
import difflib
import io
import os
import re
import stat
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from common.i18n import t
from store.config import region_config

MAX_FILE_BYTES = 10 * 1024 * 1024  # a survey export is far smaller; larger files are refused unread
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024  # zip-bomb guard: total uncompressed size in the zip directory
MAX_XLSX_MEMBERS = 2_000
MAX_ROWS = 50_000
MAX_PROBLEMS = 1_000  # beyond this the list ends with a count: a wrong file would otherwise list thousands
MAX_COLUMNS = 1_000  # a valid file has one column per question or field; wider headers are refused unread
MAX_SUGGESTIONS = 50  # difflib runs for the first problems only: on a wrong file it would otherwise dominate

# ---------------------------------------------------------------- problems


@dataclass
class UploadProblem:
    row: int | None
    column: str | None
    value: str | None
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(t("loaders.where.row", row=self.row))
        if self.column is not None:
            where.append(t("loaders.where.column", column=self.column))
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "…"
            where.append(t("loaders.where.value", value=shown))
        text = (", ".join(where) if where else t("loaders.where.file")) + ": " + self.message
        if self.suggestion:
            text += f" — {self.suggestion}"
        return text


class UploadRejected(Exception):
    def __init__(self, problems: list[UploadProblem]):
        self.problems = problems
        super().__init__(
            t("loaders.rejected") + "\n" + "\n".join(f"  - {p}" for p in problems)
        )


def problems_frame(problems: list[UploadProblem]) -> pd.DataFrame:
    """The problems as a table for the admin page."""
    return pd.DataFrame(
        [{"Rivi": p.row, "Sarake": p.column, "Arvo": p.value, "Ongelma": p.message,
          "Ehdotus": p.suggestion} for p in problems],
        columns=["Rivi", "Sarake", "Arvo", "Ongelma", "Ehdotus"],
    )


class ProblemList(list):
    """A problem list that stops growing at MAX_PROBLEMS and counts the rest."""

    def __init__(self):
        super().__init__()
        self.extra = 0

    def add(self, *args, **kwargs) -> None:
        if len(self) < MAX_PROBLEMS:
            self.append(UploadProblem(*args, **kwargs))
        else:
            self.extra += 1

    def close_match(self, word: str, candidates, cutoff: float = 0.6) -> str | None:
        """difflib's closest candidate, for the first MAX_SUGGESTIONS calls on this list only."""
        self.suggestions = getattr(self, "suggestions", 0) + 1
        if self.suggestions > MAX_SUGGESTIONS:
            return None
        match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
        return match[0] if match else None

    def final(self) -> list[UploadProblem]:
        out = list(self)
        if self.extra:
            out.append(UploadProblem(None, None, None, t("loaders.more_problems", count=self.extra)))
        return out


# ---------------------------------------------------------------- text keys


def key(text: str) -> str:
    """Case-, whitespace- and normalisation-insensitive key."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def fold(text: str) -> str:
    """key() without diacritics: 'Ähtäri' and 'Ahtari' meet."""
    decomposed = unicodedata.normalize("NFKD", key(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ---------------------------------------------------------------- reading the table


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, header = 1; cells as text)
    format: str  # 'csv' | 'xlsx'
    encoding: str | None = None
    delimiter: str | None = None


def file_problem(message: str, suggestion: str | None = None) -> UploadRejected:
    return UploadRejected([UploadProblem(None, None, None, message, suggestion)])


def too_large(size: int, limit: int = MAX_FILE_BYTES) -> str:
    """The too-large message every loader gives: the file's size in kB and the cap in MB."""
    return t("loaders.file.too_large", kb=size // 1024, mb=limit // (1024 * 1024))


class UnreadableFile(ValueError):
    """A path that is not a readable regular file within the size cap (message in the reader's language)."""


def read_regular_file(path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or UnreadableFile.

    Opened with O_NONBLOCK so a FIFO cannot block the open, then checked with fstat on the open
    descriptor (no race with a rename): devices (/dev/zero reports size 0), FIFOs, sockets and folders
    are refused unread. At most limit + 1 bytes are ever read, so a file that grows meanwhile cannot
    exhaust memory."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UnreadableFile(t("loaders.file.missing", path=path)) from None
    except OSError as exc:
        raise UnreadableFile(t("loaders.file.unreadable", path=path, reason=exc.strerror)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("folder" if stat.S_ISDIR(info.st_mode) else "fifo" if stat.S_ISFIFO(info.st_mode)
                    else "device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                    else "socket" if stat.S_ISSOCK(info.st_mode) else "special")
            raise UnreadableFile(t("loaders.file.not_regular", path=path, kind=t(f"loaders.file.kind.{kind}")))
        if info.st_size > limit:
            raise UnreadableFile(too_large(info.st_size, limit))
        chunks, total = [], 0
        while total <= limit:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            except OSError as exc:
                raise UnreadableFile(t("loaders.file.unreadable", path=path, reason=exc.strerror)) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise UnreadableFile(t("loaders.file.too_large_over", mb=limit // (1024 * 1024)))
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_upload_file(path, limit: int = MAX_FILE_BYTES) -> bytes:
    """read_regular_file for the upload loaders: problems as a rejected file (UploadRejected)."""
    try:
        return read_regular_file(path, limit)
    except UnreadableFile as exc:
        raise file_problem(str(exc)) from None


def decode_text(data: bytes) -> tuple[str, str]:
    """Bytes -> text and the encoding used: BOM first, then strict UTF-8, then charset-normalizer
    restricted to the single-byte code pages Finnish Excel and survey tools write."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        from charset_normalizer import from_bytes

        # threshold above the default: short Finnish exports with ä/ö score as "chaotic" at 0.2
        best = from_bytes(data, cp_isolation=["cp1252", "iso8859_15"], threshold=0.5).best()
        if best is None:
            raise file_problem(t("loaders.file.encoding_unknown"), t("loaders.file.save_utf8_or_xlsx"))
        return str(best), best.encoding
    try:
        return body.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise file_problem(t("loaders.file.bom_mismatch", encoding=encoding.upper(), byte=exc.start),
                           t("loaders.file.save_again_utf8")) from None


_BAD_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    return list(reader)


def _consistency(rows: list[list[str]]) -> tuple[float, int]:
    """Share of non-empty rows as wide as the header, and the header width."""
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    width = len(rows[0]) if rows else 0
    if not body:
        return (1.0 if width > 1 else 0.0), width
    return sum(len(r) == width for r in body) / len(body), width


def read_csv_text(text: str) -> tuple[list[list[str]], str]:
    """Split CSV text with the detected delimiter: csv.Sniffer's guess when it splits the file
    into consistent rows, else the candidate whose rows agree best with the header."""
    candidates = (";", ",", "\t")
    sample = text[:65536]
    guess = None
    try:
        guess = csv.Sniffer().sniff(sample, delimiters="".join(candidates)).delimiter
    except csv.Error:
        pass
    parsed: dict[str, list[list[str]]] = {}
    scores = {}
    for delim in ([guess] if guess else []) + [d for d in candidates if d != guess]:
        try:
            parsed[delim] = _csv_rows(text, delim)
        except csv.Error:
            continue
        scores[delim] = _consistency(parsed[delim])
        if delim == guess and scores[delim][0] >= 0.9 and scores[delim][1] > 1:
            return parsed[delim], delim
    if not scores:
        raise file_problem(t("loaders.file.csv_unreadable"))
    best = max(scores, key=lambda d: (scores[d][1] > 1, scores[d][0], scores[d][1]))
    return parsed[best], best


def _last_filled(cells: list[str], limit: int | None = None) -> int:
    """1 + the index of the last non-empty cell among the first `limit` (0 for a blank row)."""
    for index in range(min(len(cells), len(cells) if limit is None else limit) - 1, -1, -1):
        if cells[index]:
            return index + 1
    return 0


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes) -> list[list[str]]:
    """The first worksheet as text cells: cached values only (no formula evaluation), read-only,
    after checking the zip directory so a zip bomb is refused before openpyxl opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_problem(t("loaders.file.xlsx_broken")) from None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if len(infos) > MAX_XLSX_MEMBERS or total > MAX_XLSX_UNCOMPRESSED:
            raise file_problem(t("loaders.file.xlsx_too_big", mb=total // (1024 * 1024),
                                 limit=MAX_XLSX_UNCOMPRESSED // (1024 * 1024)), t("loaders.file.xlsx_too_big_hint"))
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # untrusted input: openpyxl raises many kinds on a damaged file
        raise file_problem(t("loaders.file.xlsx_unopenable", error=type(exc).__name__),
                           t("loaders.file.xlsx_unopenable_hint")) from None
    try:
        if not workbook.worksheets:
            raise file_problem(t("loaders.file.xlsx_no_sheet"))
        rows = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                raise file_problem(t("loaders.file.too_many_rows", limit=MAX_ROWS))
        return rows
    except UploadRejected:
        raise
    except Exception as exc:
        raise file_problem(t("loaders.file.xlsx_sheet_unreadable", error=type(exc).__name__)) from None
    finally:
        workbook.close()


def read_table(data: bytes, file_name: str) -> Table:
    """Any accepted file -> header + numbered rows of text cells (fully blank rows dropped)."""
    if len(data) > MAX_FILE_BYTES:
        raise file_problem(too_large(len(data)))
    if not data.strip():
        raise file_problem(t("loaders.file.empty"))
    lower = file_name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_problem(t("loaders.file.xls_old"), t("loaders.file.xls_old_hint"))
    encoding = delimiter = None
    if data.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        fmt = "xlsx"
        raw = read_xlsx(data)
    else:
        fmt = "csv"
        text, encoding = decode_text(data)
        text = text.lstrip("\ufeff")
        bad = _BAD_CONTROL.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise UploadRejected([UploadProblem(line, None, repr(bad.group())[1:-1], t("loaders.file.control_chars"),
                                                t("loaders.file.save_utf8_or_xlsx"))])
        raw, delimiter = read_csv_text(text)
        if len(raw) > MAX_ROWS + 1:
            raise file_problem(t("loaders.file.too_many_rows", limit=MAX_ROWS))
    numbered = [(i, [c.strip() if isinstance(c, str) else _cell_text(c) for c in r]) for i, r in enumerate(raw, start=1)]
    numbered = [(i, r) for i, r in numbered if any(r)]
    if not numbered:
        raise file_problem(t("loaders.file.no_header"))
    header_row, header = numbered[0]
    # Trailing blank header cells with no values under them are Excel's empty columns (one pass: the
    # header keeps its last named cell and every column that has a value in some row).
    used = max((_last_filled(r, len(header)) for _, r in numbered[1:]), default=0)
    del header[max(_last_filled(header), used):]
    if len(header) > MAX_COLUMNS:
        raise file_problem(t("loaders.file.too_many_columns", count=len(header), limit=MAX_COLUMNS),
                           t("loaders.file.too_many_columns_hint"))
    rows = [(i, r) for i, r in numbered[1:]]
    return Table(header=header, rows=rows, format=fmt, encoding=encoding, delimiter=delimiter)


# ---------------------------------------------------------------- municipalities


# Words any export may use for the wellbeing services county itself; the HVA's own names come from the
# database and its abbreviations from the region folder ([survey] hva_aliases in region.toml).
HVA_ALIASES = ("hva", "hyvinvointialue")


class MunicipalityResolver:
    """Name (with or without diacritics), Swedish name or code -> municipality code; the HVA -> its code."""

    def __init__(self, municipalities: pd.DataFrame, hva_code: str | None = None,
                 hva_names: tuple[str, ...] = ()):
        self.hva_code = str(hva_code or region_config().hva.code)
        self.names: dict[str, str] = {}
        self.display: dict[str, str] = {}
        for rec in municipalities.itertuples(index=False):
            code = str(rec.code).strip()
            self.display[code] = str(rec.name_fi)
            self.names[fold(code)] = code
            for name in (rec.name_fi, getattr(rec, "name_sv", None)):
                if isinstance(name, str) and name.strip():
                    self.names[fold(name)] = code
        region = region_config()
        names = (*HVA_ALIASES, *region.hva_aliases, region.hva.name_fi, region.hva.name_sv, *hva_names)
        self.hva_keys = {fold(a) for a in names if a}
        self.hva_keys.add(fold(self.hva_code))
        self._candidates = {fold(n): n for n in self.display.values()}
        self._suggested: dict[str, str | None] = {}

    def resolve(self, value: str) -> str | None:
        k = fold(value)
        if k in self.hva_keys:
            return self.hva_code
        if k.isdigit() and len(k) < 3:
            k = k.zfill(3)
        return self.names.get(k)

    def is_hva(self, code: str) -> bool:
        return code == self.hva_code

    def suggest(self, value: str) -> str | None:
        """'tarkoititko X?' for a near miss; difflib runs for MAX_SUGGESTIONS distinct values at most."""
        k = fold(value)
        if k not in self._suggested:
            if len(self._suggested) >= MAX_SUGGESTIONS:
                return None
            match = difflib.get_close_matches(k, list(self._candidates), n=1, cutoff=0.6)
            self._suggested[k] = t("loaders.did_you_mean", match=self._candidates[match[0]]) if match else None
        return self._suggested[k]


_FI_DATETIME = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(?:klo\s*)?(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?)?$")


def parse_timestamp(text: str) -> datetime | None:
    text = text.strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    m = _FI_DATETIME.match(text)
    if m:
        d, mo, y, h, mi, s = m.groups()
        try:
            return datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
        except ValueError:
            return None
    return None


def print_problems(problems: list[UploadProblem], file=None) -> None:
    file = file or sys.stderr
    print(t("admin.rejected", count=len(problems)), file=file)
    for p in problems:
        print(f"  - {p}", file=file)


# ---------------------------------------------------------------- the loaders' CLI commands

_NOT_LOADED = object()


def load_file_from_cli(path, load):
    """`load(data, file_name)` on a regular file named on the command line (at most the cap + 1 byte read).
    Whatever stops it is printed (the file's problems row/column/value) and NOT_LOADED returned: the
    command then exits 1 and nothing was written."""
    path = Path(path)
    try:
        return load(read_regular_file(path, MAX_FILE_BYTES), path.name)
    except UnreadableFile as exc:
        print(t("loaders.cli_error", error=exc), file=sys.stderr)
    except OSError as exc:
        print(t("loaders.cli_error", error=t("loaders.file.unreadable", path=path, reason=exc.strerror)),
              file=sys.stderr)
    except UploadRejected as rejected:
        print_problems(rejected.problems)
    return _NOT_LOADED


def not_loaded(result) -> bool:
    return result is _NOT_LOADED


def write_cli_output(data: bytes, out: str | None, done: str) -> None:
    """An export's bytes to the file named by --out (then `done` on stdout), else as text to stdout."""
    if out:
        Path(out).write_bytes(data)
        print(done)
    else:
        sys.stdout.write(data.decode("utf-8-sig"))

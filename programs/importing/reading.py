"""Turning uploaded bytes into tables of cells: format sniffing, CSV decoding, XLSX reading.

Limits and rules:

* files over ``IMPORT_MAX_BYTES`` (default 5 MB) and files that are neither CSV nor XLSX
  (judged by their content, not only their name) are refused with a clear message;
* CSV: UTF-8 with or without BOM, UTF-16 with BOM, then Windows-1252; anything else is
  reported as undecodable. The delimiter (comma, semicolon or tab) is read off the
  header line;
* XLSX: openpyxl in read-only mode, every worksheet; a formula is read as its cached
  value, and a formula the workbook holds no value for is reported cell by cell (the
  workbook is read a second time, for its formulas, only when it holds any); hidden
  sheets are skipped; title rows above the header row are skipped;
* at most ``IMPORT_MAX_ROWS`` data rows (default 50,000), so a compressed workbook cannot
  expand without bound.
"""
from __future__ import annotations

import csv
import hashlib
import io
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings

from infrastructure.gc_pause import collection_paused

from ..models import ImportFormat


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 50_000))


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why."""


class FormulaWithoutValue:
    """Marks an XLSX cell holding a formula whose value was never computed."""

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __str__(self) -> str:
        return self.formula


@dataclass
class Table:
    """One sheet (or the CSV file): its name, header row number and data rows."""

    name: str
    header_row: int = 0
    headers: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (spreadsheet row number, cells)


_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_BINARY_MAGICS = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image"}


def sniff_format(file_name: str, content: bytes) -> str:
    """The import format of an upload, judged by content first, or FileRefused."""
    if not content:
        raise FileRefused("The file is empty.")
    if len(content) > max_bytes():
        raise FileRefused(
            f"The file is {len(content) / 1_048_576:.1f} MB; the limit is {max_bytes() / 1_048_576:.0f} MB. "
            "Split it into smaller files."
        )
    lower = file_name.lower()
    if content.startswith(_XLS_MAGIC):
        raise FileRefused("This is an old Excel .xls workbook; save it as .xlsx or CSV and upload that.")
    for magic, what in _BINARY_MAGICS.items():
        if content.startswith(magic):
            raise FileRefused(f"This is {what}, not a CSV or XLSX spreadsheet.")
    if content.startswith(_ZIP_MAGIC):
        if not zipfile.is_zipfile(io.BytesIO(content)):
            raise FileRefused("The file looks like a damaged XLSX workbook (the ZIP container cannot be read).")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise FileRefused("This ZIP file is not an XLSX workbook.")
        return ImportFormat.XLSX
    if lower.endswith((".xlsx", ".xlsm")):
        raise FileRefused("The file is named .xlsx but is not an Excel workbook.")
    if not lower.endswith((".csv", ".txt")):
        raise FileRefused("Upload a CSV (.csv) or Excel (.xlsx) file.")
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("The file holds binary data, not CSV text.")
    return ImportFormat.CSV


def decode_csv(content: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRefused(f"The file says it is UTF-16 but byte {exc.start} cannot be decoded.") from exc
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise FileRefused(
                f"The file's text encoding is not UTF-8 or Windows-1252 (byte {utf8_error.start} cannot be "
                "decoded). Save it as 'CSV UTF-8' and upload it again."
            ) from exc


TITLE_ROWS = 10  # how far down a sheet the header row is looked for


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _rows_with_content(table: Table, numbered_rows) -> Table:
    """Header = the first row naming a template column among the first ``TITLE_ROWS``
    rows with content (title rows above it, often merged cells, are skipped), else the
    first row with content; later rows kept unless entirely blank (trailing blank rows
    and columns of a formatted sheet are dropped)."""
    from .columns import names_a_column

    limit = max_rows()
    candidates: list[tuple[int, list]] = []
    rows = iter(numbered_rows)
    for number, cells in rows:
        if _blank(cells):
            continue
        candidates.append((number, list(cells)))
        if names_a_column(cells) or len(candidates) >= TITLE_ROWS:
            break
    if not candidates:
        return table
    header_index = next((i for i, (_, cells) in enumerate(candidates) if names_a_column(cells)), 0)
    table.header_row = candidates[header_index][0]
    table.headers = [("" if c is None else str(c)).strip() for c in candidates[header_index][1]]
    for number, cells in [*candidates[header_index + 1:], *rows]:
        if _blank(cells):
            continue
        if len(table.rows) >= limit:
            raise FileRefused(f"'{table.name}' has more than {limit:,} rows; split the file.")
        table.rows.append((number, list(cells)))
    width = len(table.headers)
    while width and not table.headers[width - 1]:
        width -= 1
    if width < len(table.headers):  # trailing blank columns, beyond the last header
        table.headers = table.headers[:width]
    return table


def read_csv(content: bytes) -> list[Table]:
    text = decode_csv(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        table = _rows_with_content(Table(name="CSV"), ((reader.line_num, row) for row in reader))
    except csv.Error as exc:
        raise FileRefused(f"The CSV file is malformed near line {reader.line_num}: {exc}.") from exc
    return [table]


def read_xlsx(content: bytes) -> list[Table]:
    import openpyxl

    try:
        values_book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        formulas_book = (
            openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
            if _has_formulas(content) else None
        )
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails in zipfile, zlib, lxml or openpyxl alike
        raise FileRefused(f"The XLSX workbook is damaged and cannot be read ({_short(exc)}).") from exc
    tables = []
    try:
        for values_sheet in values_book.worksheets:
            if values_sheet.sheet_state != "visible":
                continue  # hidden sheets hold look-up lists and workings, not records
            formula_sheet = formulas_book[values_sheet.title] if formulas_book else None
            tables.append(_rows_with_content(Table(name=values_sheet.title), _xlsx_rows(values_sheet, formula_sheet)))
    except FileRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt sheet must be a message, not a 500
        raise FileRefused(f"The XLSX workbook is damaged and cannot be read ({_short(exc)}).") from exc
    finally:
        values_book.close()
        if formulas_book:
            formulas_book.close()
    return tables


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet holds a formula (an ``<f>`` element): only then is the workbook
    read a second time for its formulas, to name those without a computed value."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml or b":f>" in xml or b":f " in xml:
                    return True
    return False


def _xlsx_rows(values_sheet, formula_sheet):
    if formula_sheet is None:
        yield from enumerate(([*values] for values in values_sheet.iter_rows(values_only=True)), start=1)
        return
    for number, (values, formulas) in enumerate(
        zip(values_sheet.iter_rows(values_only=True), formula_sheet.iter_rows(values_only=True)), start=1
    ):
        cells = list(values)
        for index, formula in enumerate(formulas):
            if index < len(cells) and isinstance(formula, str) and formula.startswith("=") and cells[index] is None:
                cells[index] = FormulaWithoutValue(formula)
        yield number, cells


_recent: OrderedDict[str, list[Table]] = OrderedDict()
_recent_lock = threading.Lock()
RECENT_FILES = 2


def read_tables(file_format: str, content: bytes) -> list[Table]:
    """Every table of the file, in order; FileRefused when the file cannot be read.

    The tables of the last few files read by this process are kept (keyed by the bytes'
    SHA-256, never modified by their readers), so a preview and its confirm, or an upload
    and its preview, parse a workbook once."""
    key = f"{file_format}:{hashlib.sha256(content).hexdigest()}"
    with _recent_lock:
        if key in _recent:
            _recent.move_to_end(key)
            return _recent[key]
    tables = _read_tables(file_format, content)
    with _recent_lock:
        _recent[key] = tables
        while len(_recent) > RECENT_FILES:
            _recent.popitem(last=False)
    return tables


def recent_tables_forget() -> None:
    """Forget the files read so far (a benchmark timing the reading of a fresh upload)."""
    with _recent_lock:
        _recent.clear()


def _read_tables(file_format: str, content: bytes) -> list[Table]:
    # Every cell read is kept until the end (the tables), which each full collection walks
    # again: paused where this thread is the process's only one (infrastructure.gc_pause).
    with collection_paused(while_alone=True):
        tables = read_xlsx(content) if file_format == ImportFormat.XLSX else read_csv(content)
    tables = [t for t in tables if t.headers]
    if not tables:
        raise FileRefused("The file has no header row and no data.")
    return tables

"""Reading files: format sniffing, size limit, CSV encodings and delimiters, XLSX sheets and formulas."""
import io
import zipfile

import pytest
from openpyxl import Workbook

from programs.importing.reading import FileRefused, FormulaWithoutValue, read_tables, sniff_format
from tests.importing.conftest import csv_file, xlsx_file


def _read(name: str, content: bytes):
    return read_tables(sniff_format(name, content), content)


def test_utf8_with_bom_and_windows_1252_are_read():
    given = "code,title\nA-1,Côte d'Ivoire police\n"
    for content in (given.encode("utf-8-sig"), given.encode("utf-8"), given.encode("cp1252")):
        (table,) = _read("f.csv", content)
        assert table.headers == ["code", "title"]
        assert table.rows == [(2, ["A-1", "Côte d'Ivoire police"])]


def test_utf16_with_bom_is_read():
    (table,) = _read("f.csv", "code\tt\nA\tb\n".encode("utf-16"))
    assert table.headers == ["code", "t"] and table.rows[0][1] == ["A", "b"]


def test_undecodable_csv_is_refused():
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8
    with pytest.raises(FileRefused, match="not UTF-8 or Windows-1252"):
        _read("f.csv", b"code,title\nA,\x81\x8d\n")


def test_semicolon_delimited_csv_is_read():
    (table,) = _read("f.csv", csv_file(["code", "title"], [["A", "x, y"]], delimiter=";"))
    assert table.rows[0][1] == ["A", "x, y"]


def test_blank_rows_are_ignored_and_row_numbers_kept():
    (table,) = _read("f.csv", b"code,title\n\n,\nA,b\n")
    assert table.rows == [(4, ["A", "b"])]


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("f.csv", b"", "empty"),
        ("f.pdf", b"%PDF-1.4 ...", "PDF"),
        ("f.csv", b"\x89PNG\r\n", "PNG image"),
        ("f.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel .xls"),
        ("f.xlsx", b"code,title\n", "not an Excel workbook"),
        ("f.docx", b"hello", "Upload a CSV"),
        ("f.csv", b"code\x00\x00title", "binary data"),
        ("f.xlsx", b"PK\x03\x04broken", "damaged"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(name, content, problem):
    with pytest.raises(FileRefused, match=problem):
        _read(name, content)


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(FileRefused, match="not an XLSX workbook"):
        _read("f.xlsx", buffer.getvalue())


def test_oversized_file_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(FileRefused, match="the limit is"):
        _read("f.csv", b"code\n" + b"A\n" * 100)


def test_too_many_rows_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(FileRefused, match="more than 3 rows"):
        _read("f.csv", b"code\n" + b"A\n" * 4)


def test_malformed_csv_is_refused():
    with pytest.raises(FileRefused, match="malformed near line"):
        _read("f.csv", b'code,title\nA,"unterminated\n')


def test_header_only_file_has_no_rows():
    (table,) = _read("f.csv", b"code,title\n")
    assert table.rows == []


def test_xlsx_every_sheet_is_read_with_typed_cells():
    tables = _read("f.xlsx", xlsx_file({"One": [["code", "amount"], ["A", 1250.5]], "Empty": [], "Two": [["x"], [2027]]}))
    assert [t.name for t in tables] == ["One", "Two"]
    assert tables[0].rows == [(2, ["A", 1250.5])]


def test_xlsx_formulas_are_read_as_their_values_or_reported():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "planned"])
    sheet.append(["A", "=1+1"])  # openpyxl writes no cached value: as if never calculated
    buffer = io.BytesIO()
    workbook.save(buffer)
    (table,) = _read("f.xlsx", buffer.getvalue())
    cell = table.rows[0][1][1]
    assert isinstance(cell, FormulaWithoutValue) and cell.formula == "=1+1"


def test_xlsx_cached_formula_value_is_used(tmp_path):
    """A workbook saved by Excel stores the formula and its value; we read the value."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "planned"])
    sheet.append(["A", "=1+1"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    assert b"<f>1+1</f><v></v>" in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    (table,) = _read("f.xlsx", buffer.getvalue())
    assert table.rows[0][1][1] == 2

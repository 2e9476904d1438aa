"""Helpers for import tests: build CSV and XLSX files in memory."""
import csv
import io
import re
import zipfile

import pytest

from programs.importing.columns import MEASUREMENTS, MOES, PROGRAMS


def csv_file(header: list[str], rows: list[list[object]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic(buffer.getvalue())


def _deterministic(xlsx: bytes) -> bytes:
    """The same sheets give the same bytes: fixed document dates and ZIP entry times (so
    property-based tests that draw offsets into the file see a stable length)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>2026-01-01T00:00:00Z\g<3>", data)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def program_row(**overrides) -> list[object]:
    values = {
        "code": "DOS-2027-0001", "title": "Coastal patrol capacity", "lead_agency": "DOS",
        "countries": "KEN; Burma", "purpose": "build_capacity", "start_fy": "2027", "end_fy": "2029",
        "funding_authority": "INCLE", "description": "", "goals": "1.e", "sectors": "15210",
        "fiscal_year": "2027", "planned": "$1,250,000", "obligated": "900,000.50", "disbursed": "-",
    }
    values.update(overrides)
    return [values[name] for name in PROGRAMS.names]


def moe_row(**overrides) -> list[object]:
    values = {
        "program_code": "DOS-2027-0001", "moe_name": "Interdictions", "kind": "outcome", "unit": "interdictions",
        "direction": "increase", "cumulative": "no", "allows_negative": "no", "frequency": "quarterly",
        "baseline_value": "4", "baseline_date": "2026-09-30", "weight": "1", "means_of_verification": "Logs",
        "period": "FY2027-Q1", "target": "6",
    }
    values.update(overrides)
    return [values[name] for name in MOES.names]


def measurement_row(**overrides) -> list[object]:
    values = {
        "program_code": "DOS-2027-0001", "moe_name": "Interdictions", "period": "FY2027-Q1", "value": "5",
        "source": "Coast guard report", "evidence_url": "https://example.gov/r.pdf", "collected_on": "2026-11-15",
    }
    values.update(overrides)
    return [values[name] for name in MEASUREMENTS.names]


def programs_csv(*rows: list[object]) -> bytes:
    return csv_file(PROGRAMS.names, list(rows))


def moes_csv(*rows: list[object]) -> bytes:
    return csv_file(MOES.names, list(rows))


def measurements_csv(*rows: list[object]) -> bytes:
    return csv_file(MEASUREMENTS.names, list(rows))


@pytest.fixture
def workbook_of_everything():
    """A workbook with all three sheets (in the 'wrong' order: measurements first)."""
    return xlsx_file({
        "Measurements": [MEASUREMENTS.names, measurement_row()],
        "Programs": [PROGRAMS.names, program_row(), program_row(fiscal_year="2028", planned="2,000,000", obligated="0", disbursed="0")],
        "MOEs": [MOES.names, moe_row(), moe_row(period="FY2027-Q2", target="8")],
    })

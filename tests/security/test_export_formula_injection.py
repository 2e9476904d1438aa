"""Spreadsheet formula injection: text that a user typed (or imported) never becomes a
formula in a file the portal exports. A title such as ``=HYPERLINK("http://evil",...)``
must reach Excel as text, so every exported text cell that starts with = + - @ (or a tab
or carriage return) is written with a leading apostrophe (OWASP "CSV injection")."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PAYLOADS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","Click")', "+1+1", "-1+1", "@SUM(1)"]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_programs(agency_a):
    return [factories.ProgramFactory(lead_agency=agency_a, title=payload) for payload in PAYLOADS]


def _csv_cells(body: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def test_program_csv_export_neutralises_formulas(client, analyst_a, hostile_programs):
    client.force_login(analyst_a)
    response = client.get(reverse("programs:program-export", args=["csv"]))
    cells = _csv_cells(response.content)
    for payload in PAYLOADS:
        assert "'" + payload in cells, payload
    assert not [c for c in cells if c.startswith(DANGEROUS_START)]


def test_program_xlsx_export_writes_formulas_as_text(client, analyst_a, hostile_programs):
    client.force_login(analyst_a)
    response = client.get(reverse("programs:program-export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a title became a formula"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(DANGEROUS_START)]


def test_api_csv_neutralises_formulas(client, analyst_a, hostile_programs):
    client.force_login(analyst_a)
    response = client.get("/api/v1/programs/", {"format": "csv"})
    assert response.status_code == 200
    cells = _csv_cells(response.content)
    assert not [c for c in cells if c.startswith(DANGEROUS_START)]

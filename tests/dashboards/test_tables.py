"""The dashboards' tables (django-tables2): cells formatted per kind of figure, plain
values in the downloads, XLSX beside CSV, and the memoised per-cell signature look-up."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import django_tables2.utils as tables2_utils
import openpyxl
import pytest
from django.urls import reverse

from dashboards.tables import signature_cache
from dashboards.tables.base import DashboardTable
from dashboards.tables.columns import DateColumn, MoneyColumn, PercentColumn, RecordLinkColumn, TextColumn
from tests.factories.dashboards import portfolio_build


class Sample(DashboardTable):
    key, title = "sample", "Sample"
    empty = "Nothing in the sample."
    name = RecordLinkColumn("Name", url=lambda record: f"/things/{record['id']}/")
    amount = MoneyColumn("Amount (USD)")
    share = PercentColumn("Share")
    when = DateColumn("When")
    remark = TextColumn("Remark")


ROWS = [{"id": 7, "name": "Kenya <b>", "amount": Decimal("1234567.49"), "share": 87.25, "when": dt.date(2026, 11, 30),
         "remark": "=cmd|' /C calc'!A0"},
        {"id": 8, "name": "Ghana", "amount": None, "share": None, "when": None, "remark": ""}]


def test_cells_are_formatted_for_the_page_and_plain_in_the_download():
    table = Sample(ROWS)
    first, second = list(table.rows)
    assert first.get_cell("name") == '<a href="/things/7/">Kenya &lt;b&gt;</a>'
    assert first.get_cell("amount") == "$1,234,567"
    assert first.get_cell("share") == "87.2 %"  # one decimal
    assert first.get_cell("when") == "Nov 30, 2026"
    assert [second.get_cell(name) for name in ("amount", "share", "when", "remark")] == ["—"] * 4
    header, *values = list(table.as_values())
    assert header == ["Name", "Amount (USD)", "Share", "When", "Remark"] == table.headers
    assert values[0] == ["Kenya <b>", Decimal("1234567.49"), 87.25, dt.date(2026, 11, 30), "'=cmd|' /C calc'!A0"]
    assert values[1][1:] == [None, None, None, None]


def test_an_empty_table_says_so():
    assert Sample([]).empty_text == "Nothing in the sample."


@pytest.mark.django_db
def test_every_table_also_downloads_as_xlsx_with_the_rows_of_the_page(client, manager):
    portfolio_build()
    client.force_login(manager)
    ranking = client.get(reverse("dashboards:portfolio")).context["dashboard"].tables["ranking"]
    response = client.get(reverse("dashboards:portfolio-export", kwargs={"table": "ranking", "export_format": "xlsx"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="portfolio-ranking-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ranking.headers
    assert len(rows) - 1 == len(ranking.rows)
    assert rows[1][1] == ranking.rows[0].record["name"] and rows[1][0] == 1


def test_the_signature_memo_gives_the_library_s_own_answer_once_per_function():
    class Column:
        def render(self, value, record):
            return value

    def plain(value, **kwargs):
        return value

    one, two = Column(), Column()
    assert tables2_utils.signature is signature_cache.signature_memoised  # installed by the app
    assert signature_cache.signature_memoised(one.render) == signature_cache._uncached(one.render) == (
        ("value", "record"), None)
    assert signature_cache.signature_memoised(plain) == (("value",), "kwargs")
    assert signature_cache._answers[Column.render] is signature_cache.signature_memoised(two.render)


@pytest.mark.django_db
def test_the_country_programs_table_folds_agency_years_and_scope_under_the_title_but_downloads_them(client, manager):
    """The page shows fewer, narrower columns (it fits at 1366 px); the download keeps every
    column, in plain text."""
    programs = portfolio_build()
    program = next(p for p in programs if p.countries.filter(iso3="KEN").exists())
    client.force_login(manager)
    table = client.get(reverse("dashboards:country", kwargs={"iso3": "KEN"})).context["dashboard"].tables["programs"]
    assert "Lead agency" not in table.headers and "Years" not in table.headers
    row = next(r for r in table.rows if r.record.pk == program.pk)
    cell = row.get_cell("program")
    assert f'<span class="record-code">{program.code}</span>' in cell
    assert f"{program.lead_agency.code} · FY{program.start_fy}-FY{program.end_fy}" in cell
    response = client.get(reverse("dashboards:country-export", kwargs={"iso3": "KEN", "table": "programs",
                                                                      "export_format": "csv"}))
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:5] == ["Program", "Lead agency", "Status", "Years", "Scope"]
    assert [f"{program.code} {program.title}", program.lead_agency.code] in [r[:2] for r in rows]
    assert "<" not in response.content.decode()

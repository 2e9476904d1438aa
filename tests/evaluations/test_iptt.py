"""The target-vs-actual report (IPTT): its figures, layout options, pinned reports, files
and query counts (issue 16 item 0)."""
from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal as D

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.computations.iptt import PeriodFigure, summary_pairings
from evaluations.computations.iptt_sql import summary_pairings_sql
from evaluations.models import MoeAchievement, PinnedReport
from evaluations.selectors.iptt import IpttOptions, iptt_report
from evaluations.services.rollups import rollups_recompute
from programs import models as m
from tests import factories

pytestmark = pytest.mark.django_db
URL = "evaluations:target-vs-actual"


def _quarterly(program, name, targets, actuals, **moe_fields):
    """An MOE of ``program`` with targets and approved actuals from FY2026-Q1 on."""
    moe = factories.MoeFactory(program=program, name=name, **moe_fields)
    quarters = [f"FY{2026 + i // 4}-Q{i % 4 + 1}" for i in range(12)]
    for period, value in zip(quarters, targets):
        if value is not None:
            factories.TargetFactory(moe=moe, period=period, value=D(value))
    for period, value in zip(quarters, actuals):
        if value is not None:
            factories.MeasurementFactory(moe=moe, period=period, value=D(value))
    return moe


@pytest.fixture
def cumulative_program(program_a):
    """Program A with a cumulative MOE (targets 100, 200, 300, 400; values 80, 90, 120)."""
    _quarterly(program_a, "Officers trained", [100, 200, 300, 400], [80, 90, 120], is_cumulative=True)
    rollups_recompute()
    return program_a


def test_cumulative_moe_shows_running_totals_and_life_of_program_figures(cumulative_program):
    report = iptt_report(cumulative_program, IpttOptions(today=dt.date(2026, 9, 30)))
    row = report.groups[0].rows[0]
    assert [c.label for c in report.columns] == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    figures = {label: (target, actual, met.achievement, met.status) for label, target, actual, met in row.figures}
    assert figures["FY2026-Q2"][:2] == (D(200), D(170))       # running total 80 + 90
    assert figures["FY2026-Q3"][:3] == (D(300), D(290), pytest.approx(290 / 300))
    assert figures["Life of program"][:3] == (D(400), D(290), pytest.approx(290 / 400))
    assert figures["Program to date"] == (D(300), D(290), pytest.approx(290 / 300), "on_track")
    assert figures["Life of program"][3] == "needs_attention"
    assert row.status == "on_track" and "Σ cumulative" in row.note


def test_the_sql_summaries_equal_the_pure_reference_on_generated_data(program_a):
    # Given MOEs of every frequency with targets and approved values in random periods
    rng = random.Random(16)
    codes = {
        m.Frequency.QUARTERLY: [f"FY{y}-Q{q}" for y in (2025, 2026, 2027) for q in (1, 2, 3, 4)],
        m.Frequency.SEMI_ANNUAL: [f"FY{y}-H{h}" for y in (2025, 2026, 2027) for h in (1, 2)],
        m.Frequency.ANNUAL: ["FY2025", "FY2026", "FY2027"],
    }
    for number in range(12):
        frequency = list(codes)[number % 3]
        moe = factories.MoeFactory(program=program_a, frequency=frequency, is_cumulative=number % 2 == 0,
                                   direction="decrease" if number % 5 == 0 else "increase",
                                   baseline_value=D(rng.randint(0, 40)))
        for period in codes[frequency]:
            if rng.random() < 0.7:
                factories.TargetFactory(moe=moe, period=period, value=D(rng.randint(10, 90)))
            if rng.random() < 0.6:
                factories.MeasurementFactory(moe=moe, period=period, value=D(rng.randint(0, 90)))
    rollups_recompute()
    # When the summaries are computed both ways
    stored: dict[int, list[PeriodFigure]] = {}
    for row in MoeAchievement.objects.filter(program=program_a):
        stored.setdefault(row.moe_id, []).append(PeriodFigure(row.period, row.period_end, row.target, row.actual))
    for per_year in (False, True):
        by_sql = summary_pairings_sql(list(stored), per_year=per_year)
        # Then they are equal, window by window
        assert by_sql == {moe_id: summary_pairings(rows, per_year=per_year) for moe_id, rows in stored.items()}
    assert any(2026 in windows for windows in summary_pairings_sql(list(stored), per_year=True).values())


def test_rolled_up_to_fiscal_years_a_year_pairs_its_year_end_target_with_its_latest_actual(program_a):
    _quarterly(program_a, "Patrols", [10, 10, 20, 20, 30, 30, 30, 40], [8, 9, 15, None, 25], baseline_value=D(0))
    rollups_recompute()
    report = iptt_report(program_a, IpttOptions(frequency="annual"))
    assert [c.label for c in report.columns] == ["FY2026", "FY2027"]
    figures = {label: (target, actual, met.achievement) for label, target, actual, met in report.groups[0].rows[0].figures}
    assert figures["FY2026"] == (D(20), D(15), pytest.approx(0.75))
    assert figures["FY2027"] == (D(40), D(25), pytest.approx(25 / 40))
    assert figures["Program to date"] == (D(30), D(25), pytest.approx(25 / 30))


def test_the_most_recent_periods_or_a_chosen_range(cumulative_program):
    today = dt.date(2026, 5, 1)  # in FY2026-Q3
    recent = iptt_report(cumulative_program, IpttOptions(last=2, today=today))
    assert [c.label for c in recent.columns] == ["FY2026-Q2", "FY2026-Q3"]
    ranged = iptt_report(cumulative_program, IpttOptions(start="FY2026-Q2", end="FY2026-Q4"))
    assert [c.label for c in ranged.columns] == ["FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    # life-of-program figures still use every period
    assert ranged.groups[0].rows[0].figures[0][1:3] == (D(400), D(290))


def test_grouping_by_goal_hiding_columns_and_disaggregation_rows(program_a):
    goal = m.Goal.objects.filter(parent__isnull=True).order_by("code").first()
    program_a.goals.set([goal])
    other = factories.ProgramFactory(code="TST-OTHER")
    moe = _quarterly(program_a, "People trained", [100], [60])
    _quarterly(other, "Cases closed", [10], [10])
    female = m.DisaggregationCategory.objects.create(moe=moe, dimension="sex", name="female")
    male = m.DisaggregationCategory.objects.create(moe=moe, dimension="sex", name="male")
    measurement = m.Measurement.objects.get(moe=moe)
    m.MeasurementDisaggregation.objects.create(measurement=measurement, category=female, value=D(25))
    m.MeasurementDisaggregation.objects.create(measurement=measurement, category=male, value=D(35))
    rollups_recompute()
    report = iptt_report(factories.country("KEN"), IpttOptions(
        group_by="goal", hidden=frozenset({"target", "baseline", "lop"}), disaggregate=True))
    assert [g.label for g in report.groups] == [f"Goal {goal.code}: {goal.title}", "No goal linked"]
    rows = report.groups[0].rows
    assert [r.name for r in rows] == ["People trained", "Sex: female", "Sex: male"]
    assert report.sub_headers == ["Unit", "Actual", "% met", "Actual", "% met"]
    assert [text for text, _, _ in rows[0].cells] == ["officers", "60", "60.0%", "60", "60.0%"]
    assert [text for text, _, _ in rows[2].cells] == ["", "35", "—", "35", "—"]


def test_a_region_and_a_goal_report_cover_their_running_programs(program_a):
    goal = m.Goal.objects.exclude(parent=None).first()
    program_a.goals.set([goal])
    _quarterly(program_a, "Officers trained", [100], [90])
    closed = factories.ProgramFactory(status=m.ProgramStatus.COMPLETED, goals=[goal])
    _quarterly(closed, "Closed program's MOE", [100], [90])
    rollups_recompute()
    region = factories.country("KEN").state_bureau
    for subject in (region, goal.parent, goal):
        names = [r.name for g in iptt_report(subject, IpttOptions()).groups for r in g.rows]
        assert names == ["Officers trained"], subject


def test_the_page_shows_status_in_words_and_states_the_cumulative_rule(client, analyst_a, cumulative_program):
    client.force_login(analyst_a)
    page = client.get(reverse(URL), {"program": cumulative_program.pk}).content.decode()
    assert "96.7%" in page and '<span class="iptt-status">on track</span>' in page
    assert "status-on_track" in page and "running totals" in page and "Σ cumulative" in page
    assert page.count("<th scope=\"colgroup\"") == 3 + 4  # unit and baseline, LOP, PTD, four quarters


def test_a_wrong_request_is_a_400_naming_the_field(client, analyst_a, program_a):
    client.force_login(analyst_a)
    response = client.get(reverse(URL), {"program": program_a.pk, "start": "FY2026-Q9"})
    assert response.status_code == 400 and "From period: " in response.content.decode()
    response = client.get(reverse(URL), {"program": program_a.pk, "country": factories.country("KEN").pk})
    assert response.status_code == 400 and "not program and country" in response.content.decode()
    response = client.get(reverse(URL), {"program": program_a.pk, "start": "FY2027", "end": "FY2026"})
    assert response.status_code == 400 and "FY2026 ends before FY2027 begins" in response.content.decode()


def _country_portfolio(programs: int, moes: int = 3) -> None:
    for _ in range(programs):
        program = factories.ProgramFactory()
        for number in range(moes):
            _quarterly(program, f"MOE {number}", [100, 100, 100, 100], [50, 90, None, 100], is_cumulative=number == 0)


@pytest.mark.parametrize("params", [
    {"frequency": "own", "disaggregate": "on", "charts": "on"},
    {"frequency": "annual", "group_by": "goal", "disaggregate": "on"},
])
def test_query_counts_stay_flat_as_the_country_grows(client, analyst_a, params, monkeypatch):
    monkeypatch.setattr("evaluations.selectors.iptt.PAGE_SIZE", 5)
    client.force_login(analyst_a)
    params = {"country": factories.country("KEN").pk, **params}
    _country_portfolio(1)
    rollups_recompute()
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(URL), params).status_code == 200
    _country_portfolio(4)
    rollups_recompute()
    with CaptureQueriesContext(connection) as large:
        page = client.get(reverse(URL), params).content.decode()
    assert len(large) == len(small), [q["sql"][:100] for q in large.captured_queries]
    assert "page 1 of 3" in page and page.count("<svg") == (5 if "charts" in params else 0)


def test_a_country_report_pages_by_moe(client, analyst_a, monkeypatch):
    monkeypatch.setattr("evaluations.selectors.iptt.PAGE_SIZE", 4)
    _country_portfolio(3)
    rollups_recompute()
    client.force_login(analyst_a)
    params = {"country": factories.country("KEN").pk}
    first = client.get(reverse(URL), params).content.decode()
    last = client.get(reverse(URL), {**params, "page": 3}).content.decode()
    assert "page 1 of 3" in first and "page 3 of 3" in last
    assert first.count('<th scope="row">') == 4 and last.count('<th scope="row">') == 1
    assert 'aria-current="page">3<' in last


def test_xlsx_has_title_rows_merged_period_headers_formats_and_a_change_log(client, analyst_a, cumulative_program):
    client.force_login(analyst_a)
    response = client.get(reverse(URL), {"program": cumulative_program.pk, "format": "xlsx", "hide": "ptd"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["IPTT"]
    assert sheet["A1"].value.startswith("Target vs actual · TST-") and sheet["A1"].font.bold
    header = next(r for r in range(1, 12) if sheet.cell(r, 1).value == "Group")
    merged = {str(rng) for rng in sheet.merged_cells.ranges}
    assert f"F{header}:H{header}" in merged  # life of program over target, actual, % met
    assert [sheet.cell(header, c).value for c in (6, 9, 12)] == ["Life of program", "FY2026-Q1", "FY2026-Q2"]
    assert [sheet.cell(header + 1, c).value for c in (6, 7, 8)] == ["Target", "Actual", "% met"]
    data = header + 2
    assert sheet.cell(data, 3).value == "Officers trained"
    assert (sheet.cell(data, 12).value, sheet.cell(data, 13).value) == (200, 170)  # Q2: running total
    met = sheet.cell(data, 14)
    assert met.value == pytest.approx(0.85) and met.number_format == '0.0%" on track"'
    assert met.fill.fgColor.rgb.endswith("ECF3EC") and sheet.cell(data, 12).number_format == "#,##0.####"
    log = list(book["Change log"].iter_rows(values_only=True))
    assert log[0][:5] == ("When (UTC)", "Who", "Record", "MOE", "Period")
    assert sorted((r[2], r[4]) for r in log[1:]) == sorted(
        [("Target", f"FY2026-Q{q}") for q in (1, 2, 3, 4)] + [("Measurement", f"FY2026-Q{q}") for q in (1, 2, 3)])


def test_csv_has_a_row_per_moe_and_period_with_plain_numbers(client, analyst_a, cumulative_program):
    client.force_login(analyst_a)
    response = client.get(reverse(URL), {"program": cumulative_program.pk, "format": "csv", "frequency": "annual"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Group,Program,MOE,Unit,Baseline,Cumulative,Period,Target,Actual,Percent met")
    assert lines[1].endswith("Life of program,400.0000,290.0000,0.725,needs attention")
    assert lines[3].endswith("FY2026,400.0000,290.0000,0.725,needs attention")
    assert len(lines) == 4


def test_a_user_pins_a_report_opens_it_later_and_removes_it(client, analyst_a, analyst_b, cumulative_program):
    client.force_login(analyst_a)
    query = f"program={cumulative_program.pk}&frequency=annual&hide=ptd&page=3"
    response = client.post(reverse(URL), {"name": "My annual view", "query": query})
    pinned = PinnedReport.objects.get(user=analyst_a)
    assert response.status_code == 302 and pinned.query == f"program={cumulative_program.pk}&frequency=annual&hide=ptd"
    page = client.get(reverse(URL)).content.decode()
    assert "My annual view" in page and f'href="?program={cumulative_program.pk}&amp;frequency=annual' in page
    client.post(reverse(URL), {"name": "Bad", "query": "program=999999"})
    assert PinnedReport.objects.count() == 1
    client.force_login(analyst_b)
    assert client.post(reverse(URL), {"unpin": pinned.pk}).status_code == 404
    assert "My annual view" not in client.get(reverse(URL)).content.decode()
    client.force_login(analyst_a)
    client.post(reverse(URL), {"unpin": pinned.pk})
    assert not PinnedReport.objects.exists()


def test_report_numbers_are_read_as_written_whatever_the_database_returns():
    """SQLite returns window sums as floats: 81.04 must not show as 81.0400000000000062."""
    from decimal import Decimal

    from evaluations.selectors.iptt import _number

    assert _number(81.04) == "81.04"
    assert _number(60.05 + 0.0) == "60.05"
    assert _number(Decimal("12500.0000")) == "12,500"
    assert _number(None) == "—"

"""The dashboard pages: who sees them, what they show, CSV downloads, empty states, and a
query count that does not grow with the data (the pages read summary rows)."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.models import Evaluation, EvaluationType, Recommendation
from programs import models as m
from tests import factories

from tests.factories.dashboards import portfolio_build, summarise

pytestmark = pytest.mark.django_db

PAGES = [
    ("dashboards:portfolio", {}),
    ("dashboards:region", {"scheme": "bureau", "code": "AF"}),
    ("dashboards:region", {"scheme": "command", "code": "SOUTHCOM"}),
    ("dashboards:country-list", {}),
    ("dashboards:country", {"iso3": "KEN"}),
    ("dashboards:goal-coverage", {}),
    ("dashboards:flag-list", {"kind": "overlaps"}),
]


def _queries(client, url: str) -> int:
    """Queries of a request once its stored figures are current (a first request stores them)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_every_dashboard_issues_the_same_queries_for_ten_times_the_data(client, manager):
    # Given a small portfolio
    client.force_login(manager)
    portfolio_build(programs_per_country=1)
    urls = [reverse(name, kwargs=kwargs) for name, kwargs in PAGES]
    small = {url: _queries(client, url) for url in urls}
    # When the portfolio grows tenfold
    portfolio_build(programs_per_country=9)
    assert m.Program.objects.count() >= 10 * 5
    large = {url: _queries(client, url) for url in urls}
    # Then every page issues exactly as many queries as before
    assert large == small


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_dashboards_need_a_sign_in(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("user", ["manager", "analyst_a"])
def test_managers_and_analysts_open_the_portfolio(client, request, user):
    portfolio_build()
    client.force_login(request.getfixturevalue(user))
    response = client.get(reverse("dashboards:portfolio"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-chart="chart-score-funding-data"' in body
    assert 'id="chart-score-funding-data" type="application/json"' in body
    assert "Computed at" in body
    assert "<script>" not in body and 'style="' not in body  # strict CSP: no inline script or style


def test_portfolio_links_each_flag_to_its_list(client, manager):
    portfolio_build()
    factories.ProgramFactory(code="DSH-SURGE-1", is_surge=True, countries=[factories.country("GHA")])
    client.force_login(manager)
    response = client.get(reverse("dashboards:portfolio"))
    flags = {flag["key"]: flag for flag in response.context["dashboard"].flags}
    assert set(flags) == {"overlaps", "gaps", "surge", "vetting", "stale", "overdue", "crises"}
    assert flags["surge"]["count"] == 1
    listing = client.get(flags["surge"]["url"])
    assert listing.status_code == 200 and "DSH-SURGE-1" in listing.content.decode()


def test_every_table_downloads_as_the_csv_of_its_rows(client, manager):
    portfolio_build()
    client.force_login(manager)
    dashboard = client.get(reverse("dashboards:portfolio")).context["dashboard"]
    for key, table in dashboard.tables.items():
        response = client.get(reverse("dashboards:portfolio-export", kwargs={"table": key}))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == table.headers
        assert len(rows) - 1 == len(table.rows)
    ranking = dashboard.tables["ranking"]
    response = client.get(reverse("dashboards:portfolio-export", kwargs={"table": "ranking"}))
    first = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert first[1] == ranking.rows[0].record["name"]
    assert client.get(reverse("dashboards:portfolio-export", kwargs={"table": "nope"})).status_code == 404


def test_country_dashboard_shows_its_programs_recommendations_and_flags(client, manager):
    programs = portfolio_build()
    kenya_program = next(p for p in programs if p.countries.filter(iso3="KEN").exists())
    evaluation = Evaluation.objects.create(program=kenya_program, evaluation_type=EvaluationType.PERFORMANCE,
                                           title="Midterm review", evaluator="GAO", started_on=dt.date(2025, 1, 1))
    Recommendation.objects.create(evaluation=evaluation, text="Add a baseline survey", owner="INL",
                                  due_on=dt.date(2025, 6, 1))
    client.force_login(manager)
    response = client.get(reverse("dashboards:country", kwargs={"iso3": "ken"}))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    program_codes = {row.record.code for row in dashboard.tables["programs"].rows}
    expected = set(m.Program.objects.filter(countries__iso3="KEN", archived_at__isnull=True).values_list("code", flat=True))
    assert program_codes == expected
    assert [row.record.text for row in dashboard.tables["recommendations"].rows] == ["Add a baseline survey"]
    assert {f["key"]: f["count"] for f in dashboard.flags}["overdue"] == 1
    body = response.content.decode()
    assert reverse("programs:program-detail", kwargs={"pk": kenya_program.pk}) in body
    assert dashboard.extra["score"] is not None and "Computed at" in body
    # every table the dashboard holds is on the page under its own heading (a template that
    # names a table under another key draws an empty card)
    for key in dashboard.tables:  # a table's own section, or its chart's
        assert f'id="h-{key}"' in body or f'id="h-chart-{key}"' in body, key
    assert 'id="h-"' not in body and "Division of labor by sector" in body


def test_a_region_without_programs_shows_a_helpful_empty_state_not_a_chart(client, manager):
    portfolio_build()  # AF and WHA only; EUR has nothing
    client.force_login(manager)
    response = client.get(reverse("dashboards:region", kwargs={"scheme": "bureau", "code": "EUR"}))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-empty="region"' in body and "No programs in EUR yet" in body
    assert "<canvas" not in body


def test_unknown_region_and_country_are_not_found(client, manager):
    client.force_login(manager)
    assert client.get(reverse("dashboards:region", kwargs={"scheme": "bureau", "code": "XX"})).status_code == 404
    assert client.get(reverse("dashboards:region", kwargs={"scheme": "galaxy", "code": "AF"})).status_code == 404
    assert client.get(reverse("dashboards:country", kwargs={"iso3": "ZZZ"})).status_code == 404
    assert client.get(reverse("dashboards:flag-list", kwargs={"kind": "nope"})).status_code == 404
    # in a query string an unknown region is the filter's error, not a 404 (tests/dashboards/test_scope_filters.py)


def test_goal_coverage_filters_by_region_and_tier_and_marks_gaps(client, manager):
    portfolio_build()
    client.force_login(manager)
    response = client.get(reverse("dashboards:goal-coverage") + "?region=bureau:AF&tier=1")
    countries = [row["country"].iso3 for row in response.context["matrix"]]
    assert countries == ["KEN"]
    assert 'class="cell gap"' in response.content.decode()


def test_stored_figures_follow_a_funding_change(client, manager):
    # Given a portfolio page already viewed (figures stored)
    portfolio_build()
    client.force_login(manager)
    before = {t["label"]: t["value"] for t in client.get(reverse("dashboards:portfolio")).context["dashboard"].totals}
    # When funding is added
    program = m.Program.objects.filter(archived_at__isnull=True).first()
    m.Funding.objects.create(program=program, fiscal_year=2028, planned=1_000_000)
    summarise()
    # Then the next view shows it
    after = {t["label"]: t["value"] for t in client.get(reverse("dashboards:portfolio")).context["dashboard"].totals}
    assert after["planned, all years"] == before["planned, all years"] + 1_000_000


def test_countries_index_links_each_country_to_its_dashboard(client, manager):
    portfolio_build()
    client.force_login(manager)
    table = client.get(reverse("dashboards:country-list")).context["table"]
    links = {row.record["name"]: row.get_cell("name") for row in table.rows}
    # the ISO code under the name (the page folds that column in; the download keeps it)
    assert links["Kenya"] == ('<a href="%s">Kenya</a><span class="cell-meta">KEN</span>'
                              % reverse("dashboards:country", kwargs={"iso3": "KEN"}))
    tiered = client.get(reverse("dashboards:country-list") + "?tier=1").context["table"]
    assert {row.record["iso3"] for row in tiered.rows} == {"KEN", "COL"}


def test_refresh_stores_the_figures_so_the_next_view_computes_nothing(client, manager):
    from django.conf import settings

    from dashboards.selectors.snapshots import figures_refresh

    # Given a portfolio and the refresh task's service run after its load
    portfolio_build()
    assert figures_refresh() > 0
    table = settings.CACHES["figures"]["LOCATION"]  # the database cache's table (tests run on PostgreSQL)
    # When a manager opens the portfolio and a region
    client.force_login(manager)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboards:portfolio")).status_code == 200
        assert client.get(reverse("dashboards:region", kwargs={"scheme": "bureau", "code": "AF"})).status_code == 200
    # Then nothing was recomputed or written
    assert not any(q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and table in q["sql"]
                   for q in queries.captured_queries)

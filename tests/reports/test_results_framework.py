"""The results framework: goal -> sub-goal -> strategy objective -> program -> MOE, with
the rollup rule at every group level (over the portfolio a goal's figure is the stored
goal rollup), filtered by country and region, exported, with flat query counts."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.computations.achievement import group_achievement
from evaluations.models import GoalRollup, ProgramRollup
from programs import models as m
from reports.selectors.results_framework import EXPORT_COLUMNS, framework_rows, results_framework
from tests import factories
from tests.factories.dashboards import goal, portfolio_build, summarise
from tests.factories.reports import objective

pytestmark = pytest.mark.django_db


def _walk(nodes, level=None):
    for node in nodes:
        if level is None or node.level == level:
            yield node
        yield from _walk(node.children, level)


@pytest.fixture
def portfolio():
    """The synthetic portfolio, with an objective of Kenya's strategy serving sub-goal 1.a
    linked to Kenya's 1.a programs."""
    programs = portfolio_build()
    kenyan = [p for p in programs if p.countries.filter(iso3="KEN").exists()
              and p.goals.filter(code="1.a").exists()]
    made = objective(code="KEN-1", goals=[goal("1.a")], programs=kenyan)
    summarise()
    return {"programs": programs, "objective": made, "kenyan": kenyan}


def test_tree_runs_from_goal_to_moe_with_the_objective_between(portfolio):
    framework = results_framework()
    goal_1 = next(n for n in framework.goals if n.label.startswith("1 "))
    sub = next(n for n in goal_1.children if n.level == "sub_goal" and n.label.startswith("1.a "))
    linked = next(n for n in sub.children if n.level == "objective")
    assert linked.label == "KEN-1 Objective KEN-1" and linked.detail == "KEN strategy"
    assert {n.label.split(" ")[0] for n in linked.children} == {p.code for p in portfolio["kenyan"]}
    unlinked = next(n for n in sub.children if n.level == "no_objective")
    assert all(child.level == "program" for child in unlinked.children)
    program = linked.children[0]
    assert program.url == f"/programs/{program.key.split('-p')[-1]}/"
    assert [child.level for child in program.children] == ["moe"]
    stored = ProgramRollup.objects.get(program__code=program.label.split(" ")[0])
    assert (program.achievement, program.status) == (stored.achievement, stored.status)


def test_group_figures_follow_the_rollup_rule_and_equal_the_stored_goal_rollups(portfolio):
    framework = results_framework()
    # Over the whole portfolio, every goal's figure is the stored goal rollup
    for node in framework.goals:
        if node.level != "goal":
            continue
        stored = GoalRollup.objects.get(goal__code=node.label.split(" ")[0])
        assert node.achievement == pytest.approx(stored.achievement)
        assert node.status == stored.status and node.running == stored.program_count
    # and an objective's is the group rule over its running programs
    linked = next(_walk(framework.goals, "objective"))
    rollups = ProgramRollup.objects.filter(program__in=portfolio["kenyan"])
    expected = group_achievement((float(r.funding_weight), r.achievement) for r in rollups)
    assert linked.achievement == pytest.approx(expected.achievement) and linked.status == expected.status


def test_filter_by_country_and_region_keeps_their_programs_only(portfolio, client, manager):
    kenya = factories.country("KEN")
    framework = results_framework(country_ids=[kenya.id])
    codes = {n.label.split(" ")[0] for n in _walk(framework.goals, "program")}
    expected = set(m.Program.objects.filter(countries=kenya, archived_at__isnull=True).values_list("code", flat=True))
    assert codes == expected and framework.program_count == len(expected)
    client.force_login(manager)
    page = client.get(reverse("reports:results-framework"), {"region": "bureau:WHA"}).content.decode()
    assert "WHA" in page and 'data-level="program"' in page
    wha = set(m.Program.objects.filter(countries__iso3__in=["COL", "PER"], archived_at__isnull=True)
              .values_list("code", flat=True))
    shown = {code for code in m.Program.objects.values_list("code", flat=True) if f">{code} " in page}
    assert shown == wha


def test_export_lists_every_node_with_its_ancestors(portfolio, client, manager):
    client.force_login(manager)
    response = client.get(reverse("reports:results-framework-export", kwargs={"fmt": "csv"}), {"country": "KEN"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == EXPORT_COLUMNS
    kenya = factories.country("KEN")
    assert rows[1:] == [[str(v) if v is not None else "" for v in row]
                        for row in framework_rows(results_framework(country_ids=[kenya.id], every_program=True))]
    moe_row = next(r for r in rows if r[0] == "MOE")
    assert moe_row[1] and moe_row[4] and moe_row[5]  # goal, program and MOE named
    xlsx = client.get(reverse("reports:results-framework-export", kwargs={"fmt": "xlsx"}), {"country": "KEN"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == EXPORT_COLUMNS and sheet.max_row == len(rows)


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reports:results-framework"), params).status_code == 200
    return len(queries.captured_queries)


def test_query_count_is_flat_as_programs_grow(portfolio, client, manager):
    client.force_login(manager)
    before = (_queries(client), _queries(client, country="KEN"), _queries(client, region="bureau:AF"))
    extra = [factories.ProgramFactory(countries=[factories.country("KEN")], goals=[goal("1.a"), goal("2")])
             for _ in range(6)]
    for program in extra:
        moe = factories.MoeFactory(program=program)
        factories.TargetFactory(moe=moe, period="FY2026-Q1")
    objective(code="KEN-2", goals=[goal("2")], programs=extra, strategy=portfolio["objective"].strategy)
    summarise()
    assert (_queries(client), _queries(client, country="KEN"), _queries(client, region="bureau:AF")) == before


def test_unknown_country_is_the_filters_error_and_matches_nothing(client, manager, program_a):
    client.force_login(manager)
    assert client.get(reverse("reports:results-framework")).context["framework"].program_count >= 1
    response = client.get(reverse("reports:results-framework"), {"country": "ZZZ"})
    assert response.status_code == 200
    assert response.context["scope"].errors == {"country": ["No country has the ISO code 'ZZZ'; choose one from the list."]}
    assert response.context["framework"].program_count == 0
    assert 'id="rf-country-error"' in response.content.decode()
    export = client.get(reverse("reports:results-framework-export", args=["csv"]), {"country": "ZZZ"})
    assert export.status_code == 400 and export["Content-Type"].startswith("text/plain")
    assert export.content.decode() == "Country (country): No country has the ISO code 'ZZZ'; choose one from the list.\n"

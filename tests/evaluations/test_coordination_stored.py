"""The coordination findings stored once for the whole portfolio
(evaluations/services/coordination_findings.py): the same rows, in the same order, as the
rules compute for any scope; rebuilt when the rules' inputs change and only then (not
when a value is saved); a fixed number of queries to build and to read."""
from __future__ import annotations


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evaluations.models import CoordinationFinding
from evaluations.selectors.coordination_rules import (
    COLUMNS,
    RULES,
    rule_rows,
    stored_rule_counts,
    stored_rule_rows,
)
from evaluations.services.coordination_findings import findings_current, findings_rebuild
from evaluations.services.rollups import rollups_recompute
from infrastructure.sorting import name_sort_key
from programs import models as m
from tests import factories
from tests.factories.dashboards import findings_of_every_rule, portfolio_build

pytestmark = pytest.mark.django_db


def test_stored_findings_equal_the_rules_for_every_scope(agency_a, agency_b):
    # Given findings of every rule
    countries = findings_of_every_rule(agency_a, agency_b)
    today = timezone.localdate()
    # When they are stored
    assert findings_current()
    # Then every rule's stored rows are the rule's own rows, in its order, for the portfolio,
    # one country, two countries and none
    scopes = [None, [countries["KEN"].id], [countries["KEN"].id, countries["GHA"].id], [countries["COL"].id], []]
    for rule in RULES:
        assert rule_rows(rule, None, today=today), rule
        for scope in scopes:
            assert stored_rule_rows(rule, scope) == rule_rows(rule, scope, today=today), (rule, scope)
            assert stored_rule_rows(rule, scope, limit=1) == rule_rows(rule, scope, today=today, limit=1), (rule, scope)
            assert stored_rule_counts(scope)[rule] == len(rule_rows(rule, scope, today=today)), (rule, scope)


def test_findings_are_numbered_in_the_name_order_of_the_pages(agency_a, agency_b):
    """Countries in the order of ``infrastructure.sorting`` (accents and case ignored at
    first), not by code point: a country named "Éire" comes before Kenya."""
    # Given findings in Kenya and in a country named with an accent
    countries = findings_of_every_rule(agency_a, agency_b)
    m.Country.objects.filter(pk=countries["GHA"].pk).update(name="Éire")
    # When they are stored
    assert findings_current()
    # Then the overlap findings (numbered per country block) follow the name rule, as
    # the rule computes them live
    names = [row["country_name"] for row in stored_rule_rows("overlap", None)]
    assert names.index("Éire") < names.index("Kenya")
    assert names == sorted(names, key=name_sort_key)
    assert stored_rule_rows("overlap", None) == rule_rows("overlap", None, today=timezone.localdate())


def test_each_rules_columns_are_its_sql_columns():
    for rule, statement in RULES.items():
        sql, params = statement(None, timezone.localdate())
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM ({sql}) AS found LIMIT 0", params)
            assert tuple(column[0] for column in cursor.description) == (*COLUMNS[rule], "program_ids"), rule


def _named_program_ids(rule: str, data: dict) -> list[int]:
    """The programs a finding's displayed data names: an overlap's "12:KEN-001 (DOS), ...",
    another rule's program (a gap names none)."""
    if rule == "overlap":
        return sorted(int(part.split(":", 1)[0]) for part in data["programs"].split(", "))
    return [data["program_id"]] if "program_id" in data else []


def test_each_finding_stores_the_ids_of_the_programs_it_names_and_is_found_by_them(agency_a, agency_b):
    # Given stored findings of every rule
    findings_of_every_rule(agency_a, agency_b)
    assert findings_current()
    stored = list(CoordinationFinding.objects.all())
    # Then each finding's program ids are the programs its data names
    for finding in stored:
        assert sorted(finding.program_ids) == _named_program_ids(finding.rule, finding.data), finding.data
    # And the findings naming some programs are those found by their ids, on every rule
    overlap = next(f for f in stored if f.rule == "overlap")
    wanted = [overlap.program_ids[0], m.Program.objects.order_by("-pk").values_list("pk", flat=True).first() + 1]
    found = CoordinationFinding.objects.filter(program_ids__overlaps=wanted)
    assert sorted(found.values_list("pk", flat=True)) == sorted(
        f.pk for f in stored if set(f.program_ids) & set(wanted))
    assert {f.rule for f in found} >= {"overlap"}
    assert not CoordinationFinding.objects.filter(program_ids__overlaps=[]).exists()


def test_a_saved_value_leaves_the_findings_current_and_a_program_edit_rebuilds_them(agency_a, agency_b):
    # Given stored findings
    findings_of_every_rule(agency_a, agency_b)
    findings_current()
    # When a value is saved and its program's rollups recomputed, they stay current
    program = m.Program.objects.filter(archived_at__isnull=True, moes__isnull=False).first()
    factories.MeasurementFactory(moe=program.moes.first(), period="FY2026-Q2")
    rollups_recompute(program_ids=[program.id])
    assert not findings_current()
    # When a program is edited, they are rebuilt, once
    program.end_fy = 2030
    program.save()
    assert findings_current()
    assert not findings_current()


def test_a_link_added_without_saving_the_program_rebuilds_them(agency_a, agency_b):
    # Given stored findings and no overlap in Ghana on goal 4
    ghana, goal = factories.country("GHA"), m.Goal.objects.get(code="4")
    first = factories.ProgramFactory(lead_agency=agency_a, countries=[ghana], start_fy=2026, end_fy=2027)
    factories.ProgramFactory(lead_agency=agency_b, countries=[ghana], goals=[goal], start_fy=2026, end_fy=2027)
    findings_current()
    assert stored_rule_counts([ghana.id])["overlap"] == 0
    # When a goal is linked to the first program by a bulk write (no save of the program)
    m.Program.goals.through.objects.create(program=first, goal=goal)
    # Then the next read rebuilds them and finds the overlap
    assert findings_current()
    assert stored_rule_counts([ghana.id])["overlap"] == 1


def test_a_rebuild_costs_the_same_queries_for_ten_times_the_data():
    portfolio_build(programs_per_country=1)
    with CaptureQueriesContext(connection) as small:
        assert findings_rebuild(force=True)
    portfolio_build(programs_per_country=10)
    with CaptureQueriesContext(connection) as large:
        assert findings_rebuild(force=True)
    assert len(large) == len(small)
    assert CoordinationFinding.objects.filter(rule="overlap").exists()


def _overlap_rule_runs(queries) -> int:
    return sum(1 for q in queries.captured_queries if "WINDOW by_group AS" in q["sql"])


def test_dashboards_read_the_stored_findings_and_compute_the_overlap_rule_once_per_change(client, manager):
    # Given a portfolio whose dashboards were viewed once
    client.force_login(manager)
    portfolio_build()
    urls = [reverse("dashboards:portfolio"), reverse("dashboards:flag-list", kwargs={"kind": "overlaps"}),
            reverse("dashboards:region", kwargs={"scheme": "bureau", "code": "AF"}),
            reverse("dashboards:country", kwargs={"iso3": "KEN"}), reverse("evaluations:coordination")]
    for url in urls:
        assert client.get(url).status_code == 200
    # When a value is saved (every figure outdated), no page computes the overlap rule
    program = m.Program.objects.filter(archived_at__isnull=True, moes__isnull=False).first()
    factories.MeasurementFactory(moe=program.moes.first(), period="FY2026-Q2")
    rollups_recompute(program_ids=[program.id])
    with CaptureQueriesContext(connection) as after_value:
        for url in urls:
            assert client.get(url).status_code == 200
    assert _overlap_rule_runs(after_value) == 0
    # When a program is edited, the first page computes it for every scope, once
    program.end_fy = 2030
    program.save()
    with CaptureQueriesContext(connection) as after_edit:
        for url in urls:
            assert client.get(url).status_code == 200
    assert _overlap_rule_runs(after_edit) == 1

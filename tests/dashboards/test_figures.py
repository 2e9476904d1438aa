"""The dashboards' figures equal an independent computation from the raw rows."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.selectors import current_scores, score_range_label
from dashboards.selectors import flags, funding
from dashboards.selectors import overview as selectors
from dashboards.selectors.country import country_dashboard
from dashboards.tables.country import programs_table
from dashboards.tables.overview import FundingByFiscalYearTable
from programs import models as m
from programs.fiscal import funding_window
from tests import factories

from tests.factories.dashboards import portfolio_build

pytestmark = pytest.mark.django_db


def _sums_by_country() -> dict[int, Decimal]:
    """Independent: for each country, the planned USD of every Funding row of its programs."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for program in m.Program.objects.filter(archived_at__isnull=True).prefetch_related("countries", "funding"):
        for country in program.countries.all():
            for row in program.funding.all():
                totals[country.id] += row.planned
    return totals


def test_country_funding_equals_the_sum_of_its_programs_funding_rows():
    # Given a portfolio with a regional program and an archived one
    portfolio_build()
    # When the dashboards aggregate funding per country
    figures = funding.funding_by_country(None, funding_window())
    # Then each country's planned total is the sum of its programs' funding rows
    expected = _sums_by_country()
    assert {cid: f["planned"] for cid, f in figures.items()} == expected
    kenya = factories.country("KEN")
    assert country_dashboard(country=kenya).funding_totals["planned"] == expected[kenya.id]


def test_region_counts_a_program_in_two_of_its_countries_once():
    # Given the regional KEN + NGA program (both in the AF bureau)
    programs = portfolio_build()
    af = m.Region.objects.get(scheme=m.RegionScheme.STATE_BUREAU, code="AF")
    regions = {r["code"]: r for r in funding.funding_by_region(scheme=m.RegionScheme.STATE_BUREAU)}
    # Then AF's planned total counts every program touching it exactly once
    in_af = {p.id for p in programs if any(c.state_bureau_id == af.id for c in p.countries.all())}
    expected = sum((f.planned for f in m.Funding.objects.filter(program_id__in=in_af)), Decimal(0))
    assert regions["AF"]["planned"] == expected
    assert regions["AF"]["programs"] == len(in_af)


def test_portfolio_totals_exclude_archived_programs_and_match_the_funding_table():
    portfolio_build()
    figures = selectors.portfolio_dashboard().overview
    live = m.Funding.objects.filter(program__archived_at__isnull=True)
    assert figures.totals.planned == sum((f.planned for f in live), Decimal(0))
    assert figures.totals.programs == m.Program.objects.filter(archived_at__isnull=True).count()
    by_fy = {row[0]: row[1] for row in list(FundingByFiscalYearTable(figures.fy_rows).as_values())[1:]}
    assert by_fy["FY2026"] == sum((f.planned for f in live.filter(fiscal_year=2026)), Decimal(0))


def test_goal_funding_counts_a_sub_goal_for_its_parent_once():
    programs = portfolio_build()
    goals = {g["code"]: g for g in funding.funding_by_goal()}
    # The regional program serves 1.a and 1.b: it counts once for goal 1.
    goal_one = {p.id for p in programs if p.goals.filter(code__startswith="1").exists()}
    assert goals["1"]["programs"] == len(goal_one)
    assert goals["1"]["planned"] == sum((f.planned for f in m.Funding.objects.filter(program_id__in=goal_one)), Decimal(0))


def test_ranking_follows_the_ranking_rule_and_shows_each_scored_country_once():
    portfolio_build()
    ranking = selectors.portfolio_dashboard().overview.ranking
    names = [row["name"] for row in ranking]
    assert names, "the portfolio has scored countries"
    assert names == [s.country.name for s in current_scores()]  # low end of the range first (docs/selectivity.md)
    assert [row["range"] for row in ranking] == [score_range_label(s) for s in current_scores()]
    assert len(names) == len(set(names))


def test_goal_coverage_marks_gaps_and_counts_running_programs():
    portfolio_build()
    coverage = selectors.goal_coverage()
    row = next(r for r in coverage.matrix if r["country"].iso3 == "KEN")
    codes = [g.code for g in coverage.goals]
    expected = {code: m.Program.objects.filter(
        archived_at__isnull=True, status__in=m.RUNNING_STATUSES, countries__iso3="KEN",
        goals__code__startswith=code).distinct().count() for code in codes}
    shown = {code: (cell["programs"] if cell else 0) for code, cell in zip(codes, row["cells"])}
    assert shown == expected
    assert expected["4"] == 0 and row["cells"][codes.index("4")] is None  # a gap


def test_surge_flag_counts_and_lists_a_surge_program_without_a_sustainment_plan():
    portfolio_build()
    before = flags.flag_counts()["surge"]
    program = factories.ProgramFactory(code="DSH-SURGE", is_surge=True, countries=[factories.country("GHA")])
    counts = flags.flag_counts()
    assert counts["surge"] == before + 1
    assert program.id in {row[0] for row in flags.flag_rows("surge")}
    assert flags.flag_counts([factories.country("COL").id])["surge"] == 0


def test_overlap_flag_needs_two_agencies_and_a_common_fiscal_year():
    goal = m.Goal.objects.get(code="4")
    ghana = factories.country("GHA")
    factories.ProgramFactory(code="OV-1", lead_agency=factories.agency("DOS"), countries=[ghana], goals=[goal],
                             start_fy=2025, end_fy=2026)
    factories.ProgramFactory(code="OV-2", lead_agency=factories.agency("DOD"), countries=[ghana], goals=[goal],
                             start_fy=2027, end_fy=2028)
    assert flags.flag_counts([ghana.id])["overlaps"] == 0  # years do not overlap
    factories.ProgramFactory(code="OV-3", lead_agency=factories.agency("DOD"), countries=[ghana], goals=[goal],
                             start_fy=2026, end_fy=2027)
    assert flags.flag_counts([ghana.id])["overlaps"] == 1
    rows = flags.flag_rows("overlaps", [ghana.id])
    assert rows[0][2] == "Goal 4" and rows[0][3] == "DOD, DOS"


# --- the set-based sums against their pure references, on generated data ----------------

ISO3 = ["KEN", "NGA", "GHA", "COL", "PER", "FRA"]
program_spec = st.fixed_dictionaries({
    "countries": st.sets(st.sampled_from(ISO3), min_size=1, max_size=3),
    # (planned, obligated, disbursed): disbursed within obligated (funding_disbursed_within_obligated)
    "funding": st.dictionaries(
        st.integers(2024, 2028),
        st.tuples(st.integers(0, 10**7), st.integers(0, 10**7)).flatmap(
            lambda po: st.tuples(st.just(po[0]), st.just(po[1]), st.integers(0, po[1]))),
        max_size=3,
    ),
})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(specs=st.lists(program_spec, min_size=0, max_size=6))
def test_country_and_region_sums_equal_their_references(specs):
    countries = {c.iso3: c for c in m.Country.objects.filter(iso3__in=ISO3)}
    with transaction.atomic():
        inputs = []
        for i, spec in enumerate(specs):
            program = factories.ProgramFactory(code=f"HYP-{i}", countries=[countries[c] for c in spec["countries"]])
            for year, (planned, obligated, disbursed) in spec["funding"].items():
                m.Funding.objects.create(program=program, fiscal_year=year, planned=planned, obligated=obligated,
                                         disbursed=disbursed)
            inputs.append({"country_ids": [countries[c].id for c in spec["countries"]],
                           "funding": [tuple(Decimal(v) for v in values) for values in spec["funding"].values()]})
        scope = [c.id for c in countries.values()]
        sql = funding.funding_by_country(scope, (2026, 2028))
        reference = funding.country_funding_reference(inputs)
        assert {cid: (f["planned"], f["obligated"], f["disbursed"]) for cid, f in sql.items()} == {
            cid: (r.planned, r.obligated, r.disbursed) for cid, r in reference.items()}
        bureau_of = {c.id: c.state_bureau_id for c in countries.values()}
        regions = {r["id"]: r for r in funding.funding_by_region(scheme=m.RegionScheme.STATE_BUREAU, country_ids=scope)}
        region_reference = funding.group_funding_reference(inputs, bureau_of)
        for region_id, region in regions.items():
            expected = region_reference.get(region_id, funding.Money())
            assert (region["planned"], region["obligated"], region["disbursed"]) == (
                expected.planned, expected.obligated, expected.disbursed)
        transaction.set_rollback(True)


def test_country_page_lists_the_first_programs_and_says_how_many_there_are():
    portfolio_build(programs_per_country=3)
    kenya = factories.country("KEN")
    total = m.Program.objects.filter(countries=kenya, archived_at__isnull=True).count()
    shown = programs_table(country_dashboard(country=kenya, programs_limit=2))
    assert len(shown.rows) == 2 and f"Showing 2 of {total} programs" in shown.note
    everything = programs_table(country_dashboard(country=kenya, programs_limit=None))
    assert len(everything.rows) == total and "Showing" not in everything.note

"""The overlap rule's pure reference (evaluations/computations/overlap.py) and its SQL
(coordination_rules._overlap, which stores the findings and counts the flags) give the same
findings on generated data, for every scope; and the reference's own cases: an institution
overlap counts under the institution's own country only, a goal overlap under every
country of the programs."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from evaluations.computations.overlap import OverlapProgram, overlap_findings
from evaluations.selectors.coordination_rules import rule_rows
from programs import models as m
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def _generated_portfolio(seed: int) -> list[m.Country]:
    """Programs of three agencies, every status (most running, some archived), one to three of three
    countries, sharing two goals and institutions of every country (some outside the
    program's countries, as an edit that drops a country leaves them), over 2024-2031."""
    rng = random.Random(seed)
    countries = [factories.country(iso3) for iso3 in ("KEN", "MOZ", "COL")]
    agencies = [factories.agency(code) for code in ("DOS", "DOD", "USAID")]
    goals = list(m.Goal.objects.order_by("code")[:2])
    institutions = [factories.PartnerInstitutionFactory(country=rng.choice(countries)) for _ in range(5)]
    for _ in range(14):
        start = rng.randint(2024, 2029)
        status = rng.choice(sorted(m.RUNNING_STATUSES) if rng.random() < 0.7 else m.ProgramStatus.values)
        program = factories.ProgramFactory(
            lead_agency=rng.choice(agencies), status=status,
            archived_at=timezone.now() if rng.random() < 0.15 else None, start_fy=start,
            end_fy=rng.randint(start, 2031), countries=rng.sample(countries, rng.randint(1, 3)),
            goals=rng.sample(goals, rng.randint(0, 2)))
        program.partner_institutions.set(rng.sample(institutions, rng.randint(0, 3)))
    return countries


def _programs() -> list[OverlapProgram]:
    """The reference's inputs, read from the database (a test's few rows)."""
    return [
        OverlapProgram(p.pk, p.status in m.RUNNING_STATUSES and p.archived_at is None, p.lead_agency_id,
                       p.start_fy, p.end_fy, frozenset(c.pk for c in p.countries.all()),
                       frozenset(g.pk for g in p.goals.all()),
                       frozenset((i.pk, i.country_id) for i in p.partner_institutions.all()))
        for p in m.Program.objects.prefetch_related("countries", "goals", "partner_institutions")
    ]


def _program_ids(programs: str) -> frozenset[int]:
    """The ids of a finding's "12:KEN-001 (DOS), 15:KEN-007 (DOD)"."""
    return frozenset(int(part.split(":", 1)[0]) for part in programs.split(", "))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_reference_and_the_sql_give_the_same_findings(seed):
    # Given a generated portfolio
    countries = _generated_portfolio(seed)
    programs = _programs()
    found = {"goal": 0, "institution": 0}
    for scope in [None, [countries[0].pk], [countries[1].pk], [countries[0].pk, countries[2].pk], []]:
        # When the rule's SQL and the reference compute the findings of that scope
        rows = rule_rows("overlap", scope, today=TODAY)
        by_sql = {(r["country_id"], r["on_kind"], r["on_id"], r["first_fy"], r["last_fy"],
                   _program_ids(r["programs"])) for r in rows}
        # Then they are the same findings, each once
        assert len(rows) == len(by_sql)
        assert by_sql == overlap_findings(programs, country_ids=scope), scope
        for finding in by_sql:
            found[finding[1]] += 1
    assert all(found.values()), found  # the generated data has findings of both kinds to compare


def test_an_institution_overlap_counts_under_its_own_country_and_a_goal_overlap_under_every_country():
    # Given two programs of two agencies serving Kenya (7) and Mozambique (8), the same
    # goal and a Mozambican institution, in 2026
    kenya, mozambique, goal, institution = 7, 8, 1, 30
    programs = [OverlapProgram(n, True, agency, 2025, 2027, frozenset({kenya, mozambique}), frozenset({goal}),
                               frozenset({(institution, mozambique)})) for n, agency in ((1, 10), (2, 11))]
    both = frozenset({1, 2})
    # Then the institution overlap is Mozambique's only; the goal overlap is both countries'
    assert overlap_findings(programs, country_ids=[kenya]) == {(kenya, "goal", goal, 2025, 2027, both)}
    assert overlap_findings(programs) == {(kenya, "goal", goal, 2025, 2027, both),
                                          (mozambique, "goal", goal, 2025, 2027, both),
                                          (mozambique, "institution", institution, 2025, 2027, both)}


def test_one_agency_or_disjoint_years_are_no_overlap_and_the_span_names_the_programs_meeting_it():
    def program(n, agency, start, end):
        return OverlapProgram(n, True, agency, start, end, frozenset({7}), frozenset({1}))

    assert overlap_findings([program(1, 10, 2025, 2027), program(2, 10, 2026, 2028)]) == set()
    assert overlap_findings([program(1, 10, 2025, 2026), program(2, 11, 2027, 2028)]) == set()
    # A third program of the first agency, before the span, is not named
    assert overlap_findings([program(1, 10, 2025, 2027), program(2, 11, 2027, 2029), program(3, 10, 2020, 2024)]) \
        == {(7, "goal", 1, 2027, 2027, frozenset({1, 2}))}

"""The vetting rule's pure reference (evaluations/computations/vetting.py) and its SQL
(coordination_rules._vetting, which stores the findings and counts the flags) give the same
findings on generated data, for every scope and several days; and the reference's own cases."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from evaluations.computations.vetting import (
    ServedInstitution,
    VettingRequest,
    latest_vetting,
    vetting_findings,
)
from evaluations.selectors.coordination_rules import rule_rows
from programs import models as m
from tests import factories

pytestmark = pytest.mark.django_db

DAYS = (dt.date(2025, 6, 1), dt.date(2026, 3, 31), dt.date(2027, 1, 1))


def _generated_portfolio(seed: int) -> list[m.Country]:
    """Programs of every status (some archived, some regional) serving institutions of every
    type in three countries, each institution with 0-3 vetting requests of every status."""
    rng = random.Random(seed)
    countries = [factories.country(iso3) for iso3 in ("KEN", "GHA", "COL")]
    institutions = []
    for n in range(14):
        institution = factories.PartnerInstitutionFactory(
            country=rng.choice(countries), institution_type=rng.choice(m.InstitutionType.values))
        for k in range(rng.randint(0, 3)):
            requested = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
            status = rng.choice(m.VettingStatus.values)
            decided = requested + dt.timedelta(days=rng.randint(0, 60)) if status != "pending" else None
            expires = decided + dt.timedelta(days=rng.randint(0, 700)) if decided and rng.random() < 0.8 else None
            m.Vetting.objects.create(institution=institution, status=status, requested_on=requested,
                                     decided_on=decided, expires_on=expires)
        institutions.append(institution)
    for n in range(10):
        program = factories.ProgramFactory(
            status=rng.choice(m.ProgramStatus.values), countries=rng.sample(countries, rng.randint(1, 3)),
            archived_at=timezone.now() if rng.random() < 0.15 else None)
        program.partner_institutions.set(rng.sample(institutions, rng.randint(0, 4)))
    return countries


def _served() -> list[ServedInstitution]:
    """The reference's inputs, read from the database (a test's few rows)."""
    vettings: dict[int, list[VettingRequest]] = {}
    for v in m.Vetting.objects.all():
        vettings.setdefault(v.institution_id, []).append(VettingRequest(v.pk, v.status, v.requested_on, v.expires_on))
    return [
        ServedInstitution(program.pk, program.status in m.RUNNING_STATUSES and program.archived_at is None,
                          institution.pk, institution.country_id, institution.institution_type,
                          tuple(vettings.get(institution.pk, ())))
        for program in m.Program.objects.prefetch_related("partner_institutions")
        for institution in program.partner_institutions.all()
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_reference_and_the_sql_give_the_same_findings(seed):
    # Given a generated portfolio
    countries = _generated_portfolio(seed)
    served = _served()
    scopes = [None, [countries[0].pk], [countries[1].pk], [countries[0].pk, countries[2].pk], []]
    found = 0
    for today in DAYS:
        for scope in scopes:
            # When the rule's SQL and the reference compute the findings of that day and scope
            rows = rule_rows("vetting", scope, today=today)
            by_sql = {(r["country_id"], r["program_id"], r["institution_id"], r["latest"]) for r in rows}
            # Then they are the same findings, each once
            assert len(rows) == len(by_sql)
            assert by_sql == vetting_findings(served, today=today, country_ids=scope), (today, scope)
            found += len(by_sql)
    assert found  # the generated data has findings to compare


def test_a_regional_programs_institution_counts_under_its_own_country_only():
    served = [ServedInstitution(1, True, 10, country_id=7, institution_type="security_provider")]
    assert vetting_findings(served, today=dt.date(2026, 1, 1), country_ids=[8]) == set()
    assert vetting_findings(served, today=dt.date(2026, 1, 1), country_ids=[7, 8]) == {(7, 1, 10, None)}


def test_an_approval_holds_through_its_expiry_day_and_the_latest_request_is_named():
    approved = VettingRequest(1, "approved", dt.date(2025, 1, 1), dt.date(2026, 1, 31))
    pending = VettingRequest(2, "pending", dt.date(2026, 1, 15), None)
    served = [ServedInstitution(1, True, 10, 7, "security_provider", (approved, pending))]
    assert vetting_findings(served, today=dt.date(2026, 1, 31)) == set()
    assert vetting_findings(served, today=dt.date(2026, 2, 1)) == {(7, 1, 10, "pending:")}
    assert latest_vetting([approved]) == "approved:2026-01-31"
    assert latest_vetting([]) is None

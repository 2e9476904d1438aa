"""The records every access-matrix case acts on, and a valid request body for every row of
docs/access-control.md.

A body is valid for a user allowed to make the request, so that a refusal can only come
from the permission rules (an invalid body would be refused by validation and prove
nothing). Bodies are built from the world, after it is created, because they carry the
versions the records have.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.tokens import api_token_issue
from assessments.models import AssessmentStatus, CountryAssessment
from assessments.selectors import framework_current
from evaluations.models import Evaluation, Recommendation
from programs.importing.services import import_job_create
from programs.models import Goal, MeasurementStatus, PartnerInstitution, ProgramReview, ProgramStatus

from tests import factories
from tests.allocation import factories as alf
from tests.factories import assessments as af
from tests.importing.conftest import program_row, programs_csv


@dataclass
class World:
    """Records owned by agency DOS (analyst_a's), authored by analyst_a where it matters."""

    program: Any
    proposed: Any
    archived: Any
    moe: Any
    submitted: Any
    draft_measurement: Any
    institution: Any
    archived_institution: Any
    import_job: Any
    draft: Any
    submitted_assessment: Any
    evaluation: Any
    recommendation: Any
    crisis: Any
    review: Any
    token_grant: Any
    scenario: Any
    fingerprint: str

    def ids(self) -> dict[str, int]:
        return {name: getattr(self, name).pk for name in self.__dataclass_fields__ if hasattr(getattr(self, name), "pk")}


def world_build(*, analyst_a) -> World:
    agency = factories.agency("DOS")
    program = factories.ProgramFactory(lead_agency=agency, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2028)
    proposed = factories.ProgramFactory(lead_agency=agency, status=ProgramStatus.PROPOSED)
    archived = factories.ProgramFactory(lead_agency=agency, archived_at=timezone.now())
    moe = factories.MoeFactory(program=program)
    submitted = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.SUBMITTED)
    draft_measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q2", status=MeasurementStatus.DRAFT)
    institution = factories.PartnerInstitutionFactory()
    archived_institution = factories.PartnerInstitutionFactory(archived_at=timezone.now())
    import_job = import_job_create(
        user=analyst_a, file_name="programs.csv", content=programs_csv(program_row(code="DOS-2027-0900"))
    )
    af.framework_v1()
    draft = af.assessment(country=factories.country("UGA"), author=analyst_a, status=AssessmentStatus.DRAFT)
    submitted_assessment = af.assessment(
        country=factories.country("TZA"), author=analyst_a, status=AssessmentStatus.SUBMITTED
    )
    evaluation = Evaluation.objects.create(
        program=program, evaluation_type="performance", title="Mid-term", evaluator="GAO",
        started_on=dt.date(2026, 1, 1), created_by=analyst_a,
    )
    recommendation = Recommendation.objects.create(
        evaluation=evaluation, text="Train more trainers", owner="DOS/INL", due_on=dt.date(2027, 1, 1)
    )
    crisis = af.open_crisis(factories.country("MLI"))
    surge = factories.ProgramFactory(lead_agency=agency, is_surge=True)
    review = ProgramReview.objects.create(program=surge, out_of_cycle=True)
    from evaluations.selectors.coordination import surge_without_long_term_link

    fingerprint = next(f.fingerprint for f in surge_without_long_term_link() if surge.code in repr(f))
    token_grant, _ = api_token_issue(user=analyst_a, label="FMS feed", issued_by=analyst_a)
    scenario = alf.scenario(factories.ManagerFactory(username="scenario_author"), name="World",
                            envelopes={"INCLE": 5})
    return World(
        program=program, proposed=proposed, archived=archived, moe=moe, submitted=submitted,
        draft_measurement=draft_measurement, institution=institution, archived_institution=archived_institution,
        import_job=import_job, draft=draft, submitted_assessment=submitted_assessment, evaluation=evaluation,
        recommendation=recommendation, crisis=crisis, review=review, token_grant=token_grant, scenario=scenario,
        fingerprint=fingerprint,
    )


RATIONALE = {"rationale_category": "data_correction", "rationale": "Access-matrix test"}


def _program_form(w: World, **overrides) -> dict:
    data = {
        "code": "DOS-2026-0100", "title": "Coast guard training", "description": "",
        "lead_agency": factories.agency("DOS").pk, "purpose": "build_capacity", "funding_authority": "INCLE",
        "start_fy": "2025", "end_fy": "2027", "countries": [factories.country("KEN").pk],
        "goals": [Goal.objects.get(code="1.e").pk], "sustainment_plan": "",
        "funding-TOTAL_FORMS": "1", "funding-INITIAL_FORMS": "0", "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "1000", "funding-0-fiscal_year": "2026", "funding-0-planned": "1000.50",
        "funding-0-obligated": "500", "funding-0-disbursed": "100",
    }
    data.update(overrides)
    return data


def _moe_form(**overrides) -> dict:
    data = {
        "name": "Officers trained", "kind": "output", "unit": "officers", "direction": "increase",
        "frequency": "quarterly", "baseline_value": "0", "baseline_date": "2024-09-30", "weight": "1",
        "means_of_verification": "", "categories": "", "target_FY2026-Q3": "100",
    }
    data.update(overrides)
    return data


def _assessment_form(country=None, **extra) -> dict:
    data = {"assessed_on": "2026-06-01", "summary": "Annual review", "evidence_links": "https://example.org/a", **extra}
    if country is not None:
        data["country"] = country.pk
    for criterion in framework_current().criteria.all():
        data[f"{criterion.code}-score"] = 4
        data[f"{criterion.code}-justification"] = f"Because of {criterion.name}."
    return data


def _api_scores() -> dict:
    return {c.code: {"score": 3, "justification": f"Evidence for {c.name}"} for c in framework_current().criteria.all()}


def _scenario_form(**extra) -> dict:
    return {"name": "Matrix", "fiscal_year": "2027", "ceiling_multiple": "1.5", "envelopes": "INCLE: 6\nFMF: 4",
            "minimums": "KEN: 1", "ceilings": "", "restrictions": "", **extra}


def _api_scenario(**extra) -> dict:
    return {"name": "Matrix", "fiscal_year": 2027, "envelopes": [{"account": "INCLE", "amount": "6000000"}], **extra}


def _institution_form(w: World) -> dict:
    i = w.institution
    return {"country": i.country_id, "name": "Renamed police unit", "institution_type": i.institution_type,
            "nature": i.nature, "level": i.level, "version": i.version}


# name -> body builder (world -> request keyword arguments for the test client)
Body = Callable[[World], dict]

REQUESTS: dict[str, Body] = {
    "program-create": lambda w: {"data": _program_form(w)},
    "program-edit": lambda w: {"data": _program_form(
        w, code=w.program.code, title="Renamed", version=str(w.program.version), **RATIONALE)},
    "program-approve": lambda w: {"data": {"action": "approve", "reason": "Fits the strategy", "version": w.proposed.version}},
    "program-archive": lambda w: {"data": {"reason": "duplicate", "version": w.program.version}},
    "program-restore": lambda w: {"data": {"reason": "not a duplicate", "version": w.archived.version}},
    "moe-create": lambda w: {"data": _moe_form()},
    "moe-edit": lambda w: {"data": _moe_form(name="Renamed MOE", version=str(w.moe.version), **RATIONALE,
                                             **{"target_FY2026-Q4": "120"})},
    "measurement-grid": lambda w: {"data": {"fy": "2026", f"value_{w.moe.pk}_FY2026-Q3": "7", **RATIONALE}},
    "measurement-approve": lambda w: {"data": {"version": w.submitted.version}},
    "measurement-return": lambda w: {"data": {"reason": "Source missing", "version": w.submitted.version}},
    "measurements-decide": lambda w: {"data": {"ids": [w.submitted.pk], f"version_{w.submitted.pk}": w.submitted.version,
                                               "decision": "approve", "scope": "selected"}},
    "record-create": lambda w: {"data": {"country": factories.country("KEN").pk, "name": "Coast guard",
                                         "institution_type": w.institution.institution_type,
                                         "nature": w.institution.nature, "level": w.institution.level}},
    "record-edit": lambda w: {"data": _institution_form(w)},
    "record-archive": lambda w: {"data": {"reason": "duplicate", "version": w.institution.version}},
    "record-restore": lambda w: {"data": {"reason": "not a duplicate",
                                         "version": w.archived_institution.version}},
    "import-upload": lambda w: {"data": {"file": SimpleUploadedFile(
        "programs.csv", programs_csv(program_row(code="DOS-2027-0901")))}},
    "import-confirm": lambda w: {"data": {}},
    "assessment-create": lambda w: {"data": _assessment_form(factories.country("KEN"))},
    "assessment-edit": lambda w: {"data": _assessment_form(summary="Revised", version=w.draft.version)},
    "assessment-submit": lambda w: {"data": {"version": w.draft.version}},
    "assessment-approve": lambda w: {"data": {"version": w.submitted_assessment.version}},
    "assessment-return": lambda w: {"data": {"reason": "More evidence", "version": w.submitted_assessment.version}},
    "tier-set": lambda w: {"data": {"cycle": af.cycle().pk, "tier": 1, "rationale": "Key partner."}},
    "evaluation-create": lambda w: {"data": {
        "program": w.program.pk, "evaluation_type": "impact", "title": "Impact evaluation", "evaluator": "GAO",
        "started_on": "2025-01-01", "is_independent": "on"}},
    "recommendation-add": lambda w: {"data": {"text": "Hire a mentor", "owner": "DOS/INL", "due_on": "2027-03-01"}},
    "recommendation-follow-up": lambda w: {"data": {"status": "in_progress", "note": "Started",
                                                    "version": w.recommendation.version}},
    "finding-acknowledge": lambda w: {"data": {"check_name": "surge", "fingerprint": w.fingerprint, "note": "Known"}},
    "findings-acknowledge": lambda w: {"data": {"findings": [f"surge:{w.fingerprint}"], "scope": "selected", "note": "Known"}},
    "crisis-record": lambda w: {"data": {"country": factories.country("KEN").pk, "title": "Flooding",
                                         "occurred_on": "2026-10-01", "description": ""}},
    "crisis-close": lambda w: {"data": {"closed_on": "2026-11-01"}},
    "review-decide": lambda w: {"data": {"review": w.review.pk, "decision": "continue", "rationale": "On track"}},
    "planning-cycle-open": lambda w: {"data": {"action": "open", "fy": "2029"}},
    "scenario-create": lambda w: {"data": _scenario_form()},
    "scenario-edit": lambda w: {"data": _scenario_form(name="World", version=w.scenario.version)},
    "scenario-solve": lambda w: {"data": {"version": w.scenario.version}},
    "admin-user-add": lambda w: {"data": {"username": "new_user", "password1": "a-long-enough-passphrase-42",
                                          "password2": "a-long-enough-passphrase-42", "usable_password": "true"}},
    "token-issue": lambda w: {"data": {"label": "Reporting notebook", "scope": "read", "days": "30"}},
    "token-revoke": lambda w: {"data": {}},
    # --- API (JSON) ---
    "api-program-create": lambda w: {"json": {
        "code": "DOS-2027-0001", "title": "Maritime law enforcement", "lead_agency": factories.agency("DOS").pk,
        "countries": [factories.country("KEN").pk], "goals": [Goal.objects.get(code="1.a").pk],
        "purpose": "build_capacity", "start_fy": 2026, "end_fy": 2028,
        "funding": [{"fiscal_year": 2026, "planned": "1000.00", "obligated": "500.00", "disbursed": "0"}]}},
    "api-program-update": lambda w: {"json": {"title": "Renamed", "version": w.program.version, **RATIONALE}},
    "api-funding-set": lambda w: {"json": {"fiscal_year": 2027, "planned": "10.00", "obligated": "5.00",
                                           "disbursed": "0", **RATIONALE}},
    "api-program-approve": lambda w: {"json": {"action": "approve", "reason": "ok", "version": w.proposed.version}},
    "api-moe-create": lambda w: {"json": {
        "program": w.program.pk, "name": "Cases prosecuted", "kind": "outcome", "unit": "cases",
        "baseline_value": "10", "baseline_date": "2025-09-30", "targets": [{"period": "FY2026-Q1", "value": "20"}]}},
    "api-moe-update": lambda w: {"json": {"unit": "prosecutions", "version": w.moe.version, **RATIONALE}},
    "api-target-set": lambda w: {"json": {"period": "FY2027-Q1", "value": "40", **RATIONALE}},
    "api-measurement-record": lambda w: {"json": {"moe": w.moe.pk, "period": "FY2026-Q4", "value": "12"}},
    "api-measurement-submit": lambda w: {"json": {"version": w.draft_measurement.version}},
    "api-measurement-approve": lambda w: {"json": {"version": w.submitted.version}},
    "api-measurement-return": lambda w: {"json": {"version": w.submitted.version, "reason": "Source missing"}},
    "api-assessment-create": lambda w: {"json": {"country": factories.country("KEN").pk, "assessed_on": "2026-06-01",
                                                 "scores": _api_scores()}},
    "api-assessment-update": lambda w: {"json": {"assessed_on": "2026-06-02", "scores": _api_scores(),
                                                 "summary": "Revised", "version": w.draft.version}},
    "api-assessment-submit": lambda w: {"json": {"version": w.draft.version}},
    "api-assessment-approve": lambda w: {"json": {"version": w.submitted_assessment.version}},
    "api-assessment-return": lambda w: {"json": {"version": w.submitted_assessment.version, "reason": "More evidence"}},
    "api-scenario-create": lambda w: {"json": _api_scenario()},
    "api-scenario-update": lambda w: {"json": _api_scenario(name="World", version=w.scenario.version)},
    "api-scenario-solve": lambda w: {"json": {"version": w.scenario.version}},
}

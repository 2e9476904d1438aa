"""Archived records are read-only everywhere (docs/concurrency.md): every write to an
archived program or MOE, or to anything under them, is refused with a message naming the
archived record (API 409 ``state_conflict``: the stored record's state decides; non-field
error), and nothing is written."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.services.evaluations import evaluation_create
from programs.models import (
    Funding,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementStatus,
    Objective,
    Program,
    ProgramStatus,
    Strategy,
    Target,
    Vetting,
)
from programs.services.records import record_update
from tests import factories

pytestmark = pytest.mark.django_db

HISTORY_MODELS = (Program, Funding, MeasureOfEffectiveness, Target, Measurement)


def _history_counts() -> tuple[int, ...]:
    return tuple(model.history.count() for model in HISTORY_MODELS)


@pytest.fixture
def tree(agency_a):
    """A program with funding, an MOE with a target, a draft and a submitted measurement."""
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.ACTIVE, start_fy=2025, end_fy=2028)
    factories.FundingFactory(program=program, fiscal_year=2026)
    moe = factories.MoeFactory(program=program)
    factories.TargetFactory(moe=moe, period="FY2026-Q1")
    draft = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.DRAFT)
    submitted = factories.MeasurementFactory(moe=moe, period="FY2026-Q2", status=MeasurementStatus.SUBMITTED)
    return {"program": program, "moe": moe, "draft": draft, "submitted": submitted}


RATIONALE = {"rationale_category": "data_correction", "rationale": "fix"}


def _writes(tree) -> list[tuple[str, str, str, str, dict]]:
    """(name, role, method, url, body with the right versions) for every API write under a program."""
    program, moe, draft, submitted = tree["program"], tree["moe"], tree["draft"], tree["submitted"]
    funding = program.funding.get()
    return [
        ("program PATCH", "analyst", "patch", f"/api/v1/programs/{program.pk}/", {"title": "x", "version": program.version, **RATIONALE}),
        ("program transition", "manager", "post", f"/api/v1/programs/{program.pk}/transition/",
         {"action": "review", "reason": "r", "version": program.version}),
        ("funding: existing year", "analyst", "post", f"/api/v1/programs/{program.pk}/funding/",
         {"fiscal_year": 2026, "planned": "1", "obligated": "1", "disbursed": "1", "version": funding.version, **RATIONALE}),
        ("funding: new year", "analyst", "post", f"/api/v1/programs/{program.pk}/funding/",
         {"fiscal_year": 2027, "planned": "1", "obligated": "1", "disbursed": "1"}),
        ("MOE create", "analyst", "post", "/api/v1/moes/",
         {"program": program.pk, "name": "New", "unit": "u", "baseline_value": "0", "baseline_date": "2024-09-30"}),
        ("MOE PATCH", "analyst", "patch", f"/api/v1/moes/{moe.pk}/", {"name": "x", "version": moe.version, **RATIONALE}),
        ("target: existing period", "analyst", "post", f"/api/v1/moes/{moe.pk}/targets/",
         {"period": "FY2026-Q1", "value": "5", "version": 1, **RATIONALE}),
        ("target: new period", "analyst", "post", f"/api/v1/moes/{moe.pk}/targets/", {"period": "FY2026-Q3", "value": "5"}),
        ("measurement: new", "analyst", "post", "/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q3", "value": "7"}),
        ("measurement: existing", "analyst", "post", "/api/v1/measurements/",
         {"moe": moe.pk, "period": "FY2026-Q1", "value": "7", "version": draft.version}),
        ("measurement submit", "analyst", "post", f"/api/v1/measurements/{draft.pk}/submit/", {"version": draft.version}),
        ("measurement approve", "manager", "post", f"/api/v1/measurements/{submitted.pk}/approve/", {"version": submitted.version}),
        ("measurement return", "manager", "post", f"/api/v1/measurements/{submitted.pk}/return/",
         {"reason": "r", "version": submitted.version}),
    ]


def _archive(record) -> None:
    type(record).objects.filter(pk=record.pk).update(archived_at=timezone.now())


@pytest.mark.parametrize("archived", ["program", "moe"])
@pytest.mark.parametrize("index", range(13))
def test_every_api_write_under_an_archived_parent_is_refused(token_client, analyst_a, manager, tree, archived, index):
    name, role, method, url, body = _writes(tree)[index]
    if archived == "moe" and name in ("program PATCH", "program transition", "funding: existing year", "funding: new year", "MOE create"):
        pytest.skip("not under the MOE")
    _archive(tree[archived])
    before = _history_counts()
    client = token_client(manager if role == "manager" else analyst_a, write=True)
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == 409 and response.json()["code"] == "state_conflict", (name, response.content)
    message = " ".join(response.json()["errors"]["non_field_errors"])
    assert "archived" in message and ("program" in message.lower() or "measure" in message.lower()), message
    assert _history_counts() == before, name


def test_the_same_writes_succeed_when_nothing_is_archived(token_client, analyst_a, manager, tree):
    """The matrix above is refused for the archive, not for its bodies."""
    for name, role, method, url, body in _writes(tree):
        if name in ("program transition", "measurement submit", "measurement approve", "measurement return"):
            continue  # each changes a version the other writes name
        client = token_client(manager if role == "manager" else analyst_a, write=True)
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code in (200, 201), (name, response.content)


def test_records_under_an_archived_parent_are_read_only(analyst_a):
    strategy = Strategy.objects.create(title="S", scope="country", country=factories.country("KEN"), start_fy=2026, end_fy=2028)
    objective = Objective.objects.create(strategy=strategy, code="1", description="Borders")
    institution = factories.PartnerInstitutionFactory()
    vetting = Vetting.objects.create(institution=institution, requested_on=dt.date(2026, 5, 1))
    _archive(strategy)
    _archive(institution)
    for record, data in ((objective, {"description": "x"}), (vetting, {"notes": "x"})):
        with pytest.raises(ValidationError, match="archived"):
            record_update(user=analyst_a, record=record, data=data, version=record.version)
        assert record.history.count() == type(record).objects.get(pk=record.pk).history.count()
    objective.refresh_from_db()
    vetting.refresh_from_db()
    assert (objective.description, vetting.notes) == ("Borders", "")


def test_no_evaluation_of_an_archived_program(analyst_a, tree):
    _archive(tree["program"])
    tree["program"].refresh_from_db()
    with pytest.raises(ValidationError, match="archived"):
        evaluation_create(
            user=analyst_a, program=tree["program"],
            data={"evaluation_type": "performance", "title": "Mid-term", "evaluator": "X", "started_on": dt.date(2026, 1, 1)},
        )
    assert not tree["program"].evaluations.exists()


def test_the_grid_refuses_values_of_an_archived_program(client, analyst_a, tree):
    from django.urls import reverse

    _archive(tree["program"])
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[tree["program"].pk])
    response = client.post(url, {"fy": "2026", f"value_{tree['moe'].pk}_FY2026-Q3": "9"})
    assert response.status_code == 400 and b"archived" in response.content
    assert not Measurement.objects.filter(period="FY2026-Q3").exists()
    assert Decimal(tree["draft"].value) == Measurement.objects.get(pk=tree["draft"].pk).value

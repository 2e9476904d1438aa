"""Incremental sync sees every change (issue 11 item 9): nested changes move the parent's
``updated_at`` (and the IATI ``last-updated-datetime``), archived records stay visible
to ``updated_since``, and an empty ``updated_since`` is a 400."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone
from lxml import etree

from evaluations.models import Evaluation
from evaluations.services.evaluations import recommendation_create
from programs.models import Program
from programs.services.measures import measurement_record, moe_archive, moe_create, target_set
from programs.services.programs import funding_set, program_archive, program_update
from tests import factories

pytestmark = pytest.mark.django_db
RATIONALE = {"rationale_category": "data_correction", "rationale": "sync test"}
LONG_AGO = timezone.make_aware(dt.datetime(2020, 1, 1))


def _age(*instances) -> str:
    """Put the rows' updated_at in the past; returns an updated_since mark after it."""
    for instance in instances:
        type(instance).objects.filter(pk=instance.pk).update(updated_at=LONG_AGO)
    return "2021-01-01T00:00:00Z"


def _changed_program_ids(client, since: str) -> list[int]:
    response = client.get("/api/v1/programs/", {"updated_since": since})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _iati_last_updated(client, program) -> str:
    xml = client.get("/api/v1/programs/iati/", {"code": program.code}).content
    return etree.fromstring(xml).find("iati-activity").get("last-updated-datetime")


@pytest.fixture
def moe(analyst_a, program_a):
    return moe_create(user=analyst_a, program=program_a, data={
        "name": "Officers trained", "unit": "officers", "baseline_value": D(0), "baseline_date": dt.date(2024, 9, 30),
    }, targets=[{"period": "FY2026-Q1", "value": D(10)}])


@pytest.mark.parametrize("change", ["funding", "target", "membership", "new_moe", "approval"])
def test_a_nested_change_moves_the_program_for_sync_and_iati(token_client, analyst_a, manager, program_a, moe, change):
    client = token_client(analyst_a)
    since = _age(program_a, moe)
    assert _changed_program_ids(client, since) == []
    assert _iati_last_updated(client, program_a).startswith("2020-01-01")
    if change == "funding":
        funding_set(user=analyst_a, program=program_a, fiscal_year=2026, planned=D(5), obligated=D(1), disbursed=D(0))
    elif change == "target":
        target_set(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(12), **RATIONALE,
                   version=moe.targets.get(period="FY2026-Q1").version)
    elif change == "membership":
        program_update(user=analyst_a, program=program_a, version=program_a.version, **RATIONALE,
                       data={"countries": [factories.country("KEN"), factories.country("UGA")]})
    elif change == "new_moe":
        moe_create(user=analyst_a, program=program_a, data={
            "name": "Patrols", "unit": "patrols", "baseline_value": D(0), "baseline_date": dt.date(2024, 9, 30)})
    else:
        measurement = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=D(4))
        since = _age(program_a)
        factories.measurement_approved(analyst=analyst_a, manager=manager, measurement=measurement)
    assert _changed_program_ids(client, since) == [program_a.pk]
    assert _iati_last_updated(client, program_a) >= timezone.now().date().isoformat()


def test_a_target_change_moves_the_moe_too(token_client, analyst_a, program_a, moe):
    since = _age(program_a, moe)
    target_set(user=analyst_a, moe=moe, period="FY2026-Q2", value=D(20), **RATIONALE)
    response = token_client(analyst_a).get("/api/v1/moes/", {"updated_since": since})
    assert [row["id"] for row in response.json()["results"]] == [moe.pk]
    assert [t["period"] for t in response.json()["results"][0]["targets"]] == ["FY2026-Q1", "FY2026-Q2"]


def test_archived_records_stay_visible_to_sync_clients(token_client, analyst_a, program_a, moe):
    client = token_client(analyst_a)
    since = _age(program_a, moe)
    moe_archive(user=analyst_a, moe=moe, reason="duplicate", version=moe.version)
    program_archive(user=analyst_a, program=program_a, reason="entered twice",
                    version=Program.objects.get(pk=program_a.pk).version)
    rows = client.get("/api/v1/programs/", {"updated_since": since}).json()["results"]
    assert [(r["id"], r["archived_at"] is not None) for r in rows] == [(program_a.pk, True)]
    moes = client.get("/api/v1/moes/", {"updated_since": since}).json()["results"]
    assert [(r["id"], r["archived_at"] is not None) for r in moes] == [(moe.pk, True)]
    assert client.get("/api/v1/programs/").json()["results"] == []  # without updated_since: hidden


def test_a_recommendation_moves_its_evaluation(token_client, analyst_a, program_a):
    evaluation = Evaluation.objects.create(
        program=program_a, evaluation_type="performance", title="Midterm", evaluator="GAO",
        started_on=dt.date(2026, 1, 1))
    since = _age(evaluation)
    recommendation_create(user=analyst_a, evaluation=evaluation, text="Train trainers", owner="DOS",
                          due_on=dt.date(2027, 1, 1))
    rows = token_client(analyst_a).get("/api/v1/evaluations/", {"updated_since": since}).json()["results"]
    assert [r["id"] for r in rows] == [evaluation.pk] and rows[0]["recommendations"][0]["text"] == "Train trainers"


@pytest.mark.parametrize("resource", ["programs", "moes", "measurements", "countries", "evaluations",
                                      "assessments", "partner-institutions", "crisis-events"])
def test_an_empty_updated_since_is_a_400_naming_the_field(token_client, analyst_a, resource):
    response = token_client(analyst_a).get(f"/api/v1/{resource}/?updated_since=")
    assert response.status_code == 400, response.content
    assert "leave the parameter out" in str(response.json()["errors"]["updated_since"])


def test_the_page_filter_form_still_accepts_an_empty_updated_since(client, analyst_a, program_a):
    client.force_login(analyst_a)
    response = client.get("/programs/?updated_since=&q=")
    assert response.status_code == 200 and program_a.code in response.content.decode()

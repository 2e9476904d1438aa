"""Assessments (with approval), selectivity scores, rollups, evaluations and coordination findings."""
import datetime as dt

import pytest

from assessments.models import CountryAssessment
from assessments.selectors import framework_current
from evaluations.models import Evaluation, Recommendation
from tests import factories
from tests.factories import assessments as assessment_factories


pytestmark = pytest.mark.django_db


def _scores(score=4):
    return {c.code: {"score": score, "justification": f"Evidence for {c.name}"} for c in framework_current().criteria.all()}


def _payload(**overrides):
    return {"country": factories.country("KEN").pk, "assessed_on": "2026-06-01", "scores": _scores(), **overrides}


def test_assessment_create_submit_approve_through_the_api(token_client, analyst_a, manager):
    analyst = token_client(analyst_a, write=True)
    created = analyst.post("/api/v1/assessments/", _payload(), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and len(body["scores"]) == framework_current().criteria.count()
    pk = body["id"]
    submitted = analyst.post(f"/api/v1/assessments/{pk}/submit/", {"version": body["version"]}, format="json")
    assert submitted.status_code == 200, submitted.content
    version = submitted.json()["version"]
    assert analyst.post(f"/api/v1/assessments/{pk}/approve/", {"version": version}, format="json").status_code == 403
    approved = token_client(manager, write=True).post(f"/api/v1/assessments/{pk}/approve/", {"version": version}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == "manager"


def test_assessment_missing_a_criterion_is_400_and_saves_nothing(token_client, analyst_a):
    scores = _scores()
    scores.pop(next(iter(scores)))
    response = token_client(analyst_a, write=True).post("/api/v1/assessments/", _payload(scores=scores), format="json")
    assert response.status_code == 400
    assert not CountryAssessment.objects.exists()


def test_assessment_errors_are_named_by_the_path_of_the_input(token_client, analyst_a):
    scores = _scores()
    code = next(iter(scores))
    del scores[code]  # a criterion left out
    scores["zzz"] = {"score": 3, "justification": "A criterion the framework does not have"}
    response = token_client(analyst_a, write=True).post("/api/v1/assessments/", _payload(scores=scores), format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert set(errors) == {f"scores.{code}.score", f"scores.{code}.justification", "scores.zzz"}, errors
    assert errors["scores.zzz"][0].startswith("'zzz' is not a criterion of this framework; its criteria are ")
    assert not CountryAssessment.objects.exists()


def test_an_unknown_criterion_alone_is_refused_naming_it(token_client, analyst_a):
    scores = {**_scores(), "zzz": {"score": 3, "justification": "Extra"}}
    response = token_client(analyst_a, write=True).post("/api/v1/assessments/", _payload(scores=scores), format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["scores.zzz"], response.content
    assert not CountryAssessment.objects.exists()


def test_assessment_score_out_of_range_is_400(token_client, analyst_a):
    response = token_client(analyst_a, write=True).post("/api/v1/assessments/", _payload(scores=_scores(9)), format="json")
    assert response.status_code == 400
    assert any(key.startswith("scores.") for key in response.json()["errors"])


def test_stale_assessment_update_is_409(token_client, analyst_a):
    client = token_client(analyst_a, write=True)
    pk = client.post("/api/v1/assessments/", _payload(), format="json").json()["id"]
    first = client.put(f"/api/v1/assessments/{pk}/", {**_payload(summary="one"), "version": 1}, format="json")
    assert first.status_code == 200, first.content
    stale = client.put(f"/api/v1/assessments/{pk}/", {**_payload(summary="two"), "version": 1}, format="json")
    assert stale.status_code == 409
    assert CountryAssessment.objects.get(pk=pk).summary == "one"


def test_read_only_token_cannot_create_assessments(token_client, analyst_a):
    assert token_client(analyst_a).post("/api/v1/assessments/", _payload(), format="json").status_code == 403


def test_assessment_list_filters_by_country_and_status(token_client, analyst_a):
    client = token_client(analyst_a, write=True)
    client.post("/api/v1/assessments/", _payload(), format="json")
    client.post("/api/v1/assessments/", _payload(country=factories.country("COL").pk), format="json")
    rows = client.get("/api/v1/assessments/", {"country": "COL", "status": "draft"}).json()["results"]
    assert [r["country_iso3"] for r in rows] == ["COL"]


def test_selectivity_scores_current_and_history(token_client, analyst_a, manager):
    from assessments.services import assessment_approve, assessment_create, assessment_submit, selectivity_recompute

    kenya = factories.country("KEN")
    assessment = assessment_create(user=analyst_a, country=kenya, assessed_on=dt.date(2026, 5, 1), criterion_scores=_scores(5))
    submitted = assessment_submit(user=analyst_a, assessment=assessment, version=assessment.version)
    assessment_approve(user=manager, assessment=submitted, version=submitted.version)
    selectivity_recompute(country_ids=[kenya.pk])
    client = token_client(analyst_a)
    current = client.get("/api/v1/selectivity-scores/", {"country": "KEN"}).json()["results"]
    assert len(current) == 1 and current[0]["conditions_component"] == "100.00"
    history = client.get("/api/v1/selectivity-score-history/", {"country": "KEN"}).json()["results"]
    assert [r["id"] for r in history] == [current[0]["id"]]


def test_the_api_gives_the_range_the_band_before_caps_and_the_caps(token_client, manager, analyst_a):
    assessment_factories.ranked_portfolio(manager, as_of=dt.date(2026, 11, 25))
    client = token_client(analyst_a)
    rows = client.get("/api/v1/selectivity-scores/").json()["results"]
    assert [r["country_iso3"] for r in rows] == ["GHA", "UGA", "COL", "PER", "KEN", "NGA"]
    ghana, kenya = rows[0], rows[4]
    assert (kenya["score"], kenya["low"], kenya["high"]) == ("76.67", "46.00", "86.00")
    assert (ghana["band"], ghana["band_uncapped"]) == ("review", "invest")
    assert ghana["caps"] == [{"condition": "open_crisis", "max_band": "review", "reason": "Open crisis: review pending."}]
    raw = client.get("/api/v1/selectivity-scores/", {"rank": "score", "complete": "false"}).json()["results"]
    assert [r["country_iso3"] for r in raw] == ["GHA", "PER", "KEN", "UGA", "COL", "NGA"]
    complete = client.get("/api/v1/selectivity-scores/", {"complete": "true"}).json()["results"]
    assert [r["country_iso3"] for r in complete] == ["GHA", "UGA", "COL"]
    assert client.get("/api/v1/selectivity-scores/", {"rank": "best"}).status_code == 400


def test_rollups_evaluations_recommendations_findings_are_readable(token_client, analyst_a):
    from evaluations.services.rollups import __name__ as _  # noqa: F401  (the app is installed)

    program = factories.program_full()
    evaluation = Evaluation.objects.create(
        program=program, evaluation_type="performance", title="Midterm", evaluator="GAO", started_on=dt.date(2026, 1, 1)
    )
    Recommendation.objects.create(evaluation=evaluation, text="Add a baseline", owner="DOS/INL", due_on=dt.date(2026, 9, 1))
    client = token_client(analyst_a)
    evaluations = client.get("/api/v1/evaluations/", {"program": program.pk}).json()["results"]
    assert evaluations[0]["recommendations"][0]["text"] == "Add a baseline"
    assert client.get("/api/v1/recommendations/", {"follow_up_status": "open"}).json()["count"] == 1
    for url in ("program-rollups", "country-rollups", "region-rollups", "goal-rollups", "coordination-findings"):
        response = client.get(f"/api/v1/{url}/")
        assert response.status_code == 200, (url, response.content[:200])
    assert client.get("/api/v1/coordination-findings/", {"check": "nonsense"}).status_code == 400


def test_a_stale_version_from_someone_without_the_right_is_403_not_409(token_client, analyst_a, analyst_b):
    # An analyst of another agency learns nothing of the history from a stale version
    pk = token_client(analyst_a, write=True).post("/api/v1/assessments/", _payload(), format="json").json()["id"]
    token_client(analyst_a, write=True).put(f"/api/v1/assessments/{pk}/", {**_payload(summary="one"), "version": 1},
                                            format="json")
    other = token_client(analyst_b, write=True)
    assert other.post(f"/api/v1/assessments/{pk}/submit/", {"version": 1}, format="json").status_code == 403
    assert other.put(f"/api/v1/assessments/{pk}/", {**_payload(summary="x"), "version": 1}, format="json").status_code == 403


def test_the_openapi_schema_describes_the_range_the_caps_and_the_ranking_switches(token_client, analyst_a):
    import yaml

    response = token_client(analyst_a).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    score = schema["components"]["schemas"]["SelectivityScore"]["properties"]
    assert {"low", "high", "band_uncapped", "caps"} <= set(score)
    assert score["caps"]["items"] == {"$ref": "#/components/schemas/BandCap"}
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/selectivity-scores/"]["get"]["parameters"]}
    assert parameters["rank"]["schema"]["enum"] == ["range", "score"]
    assert parameters["complete"]["schema"]["type"] == "boolean"

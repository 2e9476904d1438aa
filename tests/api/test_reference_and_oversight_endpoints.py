"""Reference data, reviews and crisis events: read for every client, never written."""
import datetime as dt

import pytest
from django.utils import timezone

from programs.models import Country, Goal
from tests import factories


pytestmark = pytest.mark.django_db


def test_countries_filter_by_region_of_either_scheme_and_tier(token_client, analyst_b):
    client = token_client(analyst_b)
    africom = client.get("/api/v1/countries/", {"region": "AFRICOM", "page_size": 1000}).json()
    af = client.get("/api/v1/countries/", {"region": "AF", "page_size": 1000}).json()
    assert "KEN" in {c["iso3"] for c in africom["results"]} and "KEN" in {c["iso3"] for c in af["results"]}
    Country.objects.filter(iso3="KEN").update(priority_tier=1)
    assert [c["iso3"] for c in client.get("/api/v1/countries/", {"priority_tier": 1}).json()["results"]] == ["KEN"]


def test_reference_updated_since_for_incremental_sync(token_client, analyst_a):
    Goal.objects.filter(code="1.a").update(updated_at=timezone.now() + dt.timedelta(days=1))
    since = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    rows = token_client(analyst_a).get("/api/v1/goals/", {"updated_since": since}).json()["results"]
    assert [g["code"] for g in rows] == ["1.a"]


def test_goals_and_sectors(token_client, analyst_a):
    client = token_client(analyst_a)
    subgoals = client.get("/api/v1/goals/", {"parent": "1"}).json()["results"]
    assert subgoals and all(g["parent_code"] == "1" for g in subgoals)
    sectors = client.get("/api/v1/sectors/", {"category": "152"}).json()["results"]
    assert sectors and all(s["dac_code"].startswith("152") for s in sectors)


def test_reference_csv(token_client, analyst_a):
    response = token_client(analyst_a).get("/api/v1/agencies/?format=csv")
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == "id,code,name,updated_at"


@pytest.mark.parametrize("url", ["/api/v1/countries/", "/api/v1/goals/", "/api/v1/reviews/", "/api/v1/crisis-events/"])
def test_read_only_resources_refuse_writes_even_for_granted_tokens(token_client, administrator, url):
    response = token_client(administrator, write=True).post(url, {"name": "x"}, format="json")
    assert response.status_code == 405


def test_reviews_filter_pending_and_by_country(token_client, analyst_a):
    kenya = factories.program_full(countries=("KEN",))
    colombia = factories.program_full(countries=("COL",))
    factories.review(kenya)
    factories.review(colombia)
    client = token_client(analyst_a)
    rows = client.get("/api/v1/reviews/", {"country": "KEN", "pending": "true"}).json()["results"]
    assert [r["program"] for r in rows] == [kenya.pk]
    assert rows[0]["fiscal_year"] == 2026 and rows[0]["decision"] == ""


def test_crisis_events_open_and_by_region(token_client, analyst_a):
    crisis = factories.crisis("KEN")
    client = token_client(analyst_a)
    assert [c["id"] for c in client.get("/api/v1/crisis-events/", {"region": "AF", "open": "true"}).json()["results"]] == [crisis.pk]
    assert client.get("/api/v1/crisis-events/", {"region": "SOUTHCOM"}).json()["count"] == 0


def test_partner_institutions_hide_archived_by_default(token_client, analyst_a):
    kept = factories.PartnerInstitutionFactory()
    gone = factories.PartnerInstitutionFactory(archived_at=timezone.now())
    client = token_client(analyst_a)
    assert [i["id"] for i in client.get("/api/v1/partner-institutions/").json()["results"]] == [kept.pk]
    assert {i["id"] for i in client.get("/api/v1/partner-institutions/", {"archived": "include"}).json()["results"]} == {kept.pk, gone.pk}

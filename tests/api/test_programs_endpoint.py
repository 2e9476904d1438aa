"""/api/v1/programs/: reads, filters, CSV, and writes through the services, per role."""
import csv
import io
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from api.serializers.programs import ProgramSerializer
from programs.models import Agency, Country, Funding, Goal, Program, ProgramStatus
from tests import factories


pytestmark = pytest.mark.django_db


def _create_payload(**overrides):
    payload = {
        "code": "DOS-2027-0001",
        "title": "Maritime law enforcement",
        "lead_agency": Agency.objects.get(code="DOS").pk,
        "countries": [Country.objects.get(iso3="KEN").pk],
        "goals": list(Goal.objects.filter(code="1.a").values_list("pk", flat=True)),
        "purpose": "build_capacity",
        "start_fy": 2026,
        "end_fy": 2028,
        "funding": [{"fiscal_year": 2026, "planned": "1000.00", "obligated": "500.00", "disbursed": "0"}],
    }
    payload.update(overrides)
    return payload


# --- reads ---------------------------------------------------------------------------


def test_list_and_detail_share_one_representation_documented_by_the_serializer(token_client, analyst_a):
    program = factories.program_full()
    client = token_client(analyst_a)
    listed = client.get("/api/v1/programs/").json()["results"][0]
    detail = client.get(f"/api/v1/programs/{program.pk}/").json()
    assert listed == detail
    assert list(detail) == list(ProgramSerializer().fields)
    assert detail["countries"] == [{"id": factories.country("KEN").pk, "iso3": "KEN"}, {"id": factories.country("UGA").pk, "iso3": "UGA"}]
    assert [f["fiscal_year"] for f in detail["funding"]] == [2025, 2026]
    assert detail["funding"][0]["planned"] == "1000000.00"
    assert detail["total_obligated"] == "1600000.00"
    assert detail["updated_at"].endswith("Z")


def test_filters_are_those_of_the_pages(token_client, analyst_a):
    kenya = factories.program_full(countries=("KEN",))
    colombia = factories.program_full(countries=("COL",), agency="DOD", is_surge=True, start_fy=2030, end_fy=2031)
    client = token_client(analyst_a)

    def codes(query):
        response = client.get(f"/api/v1/programs/?{query}")
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    assert codes("country=KEN") == {kenya.code}
    assert codes("region=SOUTHCOM") == {colombia.code}
    assert codes("region=WHA") == {colombia.code}
    assert codes("agency=DOD") == {colombia.code}
    assert codes("surge=true") == {colombia.code}
    assert codes("fiscal_year=2026") == {kenya.code}
    assert codes("goal=1") == {kenya.code, colombia.code}
    assert codes("sector=15250") == set()
    assert codes("status=completed") == set()


def test_updated_since_returns_only_changed_programs_archived_ones_included(token_client, analyst_a):
    old = factories.program_full()
    Program.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timezone.timedelta(days=10))
    new = factories.program_full()
    archived = factories.program_full()
    Program.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    since = (timezone.now() - timezone.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    client = token_client(analyst_a)
    rows = client.get("/api/v1/programs/", {"updated_since": since}).json()["results"]
    assert {r["code"] for r in rows} == {new.code, archived.code}  # a sync client must see the archiving
    rows = client.get("/api/v1/programs/", {"updated_since": since, "archived": "exclude"}).json()["results"]
    assert [r["code"] for r in rows] == [new.code]
    # an archived program is still readable by id
    assert client.get(f"/api/v1/programs/{archived.pk}/").json()["archived_at"] is not None


def test_pages_are_stable_when_the_sort_key_ties(token_client, analyst_a):
    for _ in range(7):
        factories.program_full()
    client = token_client(analyst_a)
    seen = []
    for page in (1, 2, 3):
        seen += [r["id"] for r in client.get("/api/v1/programs/", {"ordering": "status", "page_size": 3, "page": page}).json()["results"]]
    assert len(seen) == len(set(seen)) == 7


@pytest.mark.parametrize("page", ["1", "2", "3", "last", "4", "0", "-1", "two", "1.5", "99999", "9" * 30])
def test_pages_read_with_their_count_answer_as_drf_pages_do(token_client, analyst_a, page):
    """The JSON list reads its count and page in one statement (``paginate_counted``); the
    indented JSON list pages through DRF's own paginator: same count, links, rows and
    refusals (404 past the last page, 400 naming ``page`` for a page number that is not one)."""
    for _ in range(7):
        factories.program_full()
    client = token_client(analyst_a)
    query = {"page_size": 3, "page": page, "ordering": "-code"}
    compact = client.get("/api/v1/programs/", query)
    drf = client.get("/api/v1/programs/", query, HTTP_ACCEPT="application/json; indent=2")
    assert compact.status_code == drf.status_code
    assert compact.json() == drf.json()
    if page in ("1", "2", "3", "last"):
        assert compact.status_code == 200 and compact.json()["count"] == 7
    elif page in ("0", "-1", "two", "1.5"):
        assert compact.status_code == 400 and list(compact.json()["errors"]) == ["page"]
    else:
        assert compact.status_code == 404 and "past the last page" in compact.json()["detail"]


def test_the_program_list_remembers_a_large_count_as_every_list_does(large_count_of_3, token_client, analyst_a,
                                                                     django_assert_num_queries):
    """Given a program list at the large-count threshold, when a program is added, then
    its count stays the remembered one (``COUNT_DESCRIPTION``) and the statement reading
    the page does not count; a smaller, filtered list is exact at once; pages are whole."""
    for code in ("DOS-2026-0001", "DOS-2026-0002", "DOS-2026-0003"):
        factories.program_full(code=code)
    client = token_client(analyst_a)
    assert client.get("/api/v1/programs/", {"page_size": 2}).json()["count"] == 3
    assert client.get("/api/v1/programs/", {"page_size": 2, "q": "DOS-2026-0002"}).json()["count"] == 1
    factories.program_full(code="DOS-2026-0004")
    with django_assert_num_queries(4) as queries:  # the token 3 (knox 2, the last-use mark), the page
        first = client.get("/api/v1/programs/", {"page_size": 2}).json()
    assert "count(*)" not in queries.captured_queries[-1]["sql"]
    assert first["count"] == 3  # remembered
    second = client.get("/api/v1/programs/", {"page": 2, "page_size": 2}).json()
    assert [row["code"] for row in second["results"]] == ["DOS-2026-0003", "DOS-2026-0004"]
    assert client.get("/api/v1/programs/", {"page_size": 2, "q": "DOS-2026-0004"}).json()["count"] == 1


def test_csv_export_of_the_list(token_client, analyst_a):
    program = factories.program_full()
    response = token_client(analyst_a).get("/api/v1/programs/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["code"] == program.code
    assert "fiscal_year=2025" in rows[0]["funding"]


# --- writes ----------------------------------------------------------------------------


def test_analyst_creates_a_program_of_their_agency(token_client, analyst_a):
    response = token_client(analyst_a, write=True).post("/api/v1/programs/", _create_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "proposed" and body["version"] == 1
    assert body["funding"] == [{"fiscal_year": 2026, "planned": "1000.00", "obligated": "500.00", "disbursed": "0.00", "version": 1}]
    program = Program.objects.get(code="DOS-2027-0001")
    assert program.history.first().history_user == analyst_a


def test_analyst_cannot_create_for_another_agency(token_client, analyst_b):
    response = token_client(analyst_b, write=True).post("/api/v1/programs/", _create_payload(), format="json")
    assert response.status_code == 403
    assert not Program.objects.filter(code="DOS-2027-0001").exists()


def test_manager_without_agency_cannot_create_programs(token_client, manager):
    response = token_client(manager, write=True).post("/api/v1/programs/", _create_payload(), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"countries": []}, "countries"),
        ({"countries": [99999999]}, "countries"),
        ({"lead_agency": 99999999}, "lead_agency"),
        ({"start_fy": "soon"}, "start_fy"),
        ({"start_fy": 2029, "end_fy": 2026}, None),
        ({"purpose": "conquer"}, "purpose"),
        ({"title": "x" * 301}, "title"),
        ({"title": "bad\x00byte"}, "title"),
        ({"title": "lone \ud800 surrogate"}, "title"),
        ({"funding": [{"fiscal_year": 2040, "planned": "1", "obligated": "0", "disbursed": "0"}]}, "fiscal_year"),
        ({"funding": [{"fiscal_year": 2026, "planned": "-5", "obligated": "0", "disbursed": "0"}]}, "funding.0.planned"),
        ({"funding": [{"fiscal_year": 2026, "planned": "NaN", "obligated": "0", "disbursed": "0"}]}, "funding.0.planned"),
        ({"funding": [{"fiscal_year": 2026, "planned": "1000", "obligated": "500", "disbursed": "900"}]}, "funding"),
        ({"code": None}, "code"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(token_client, analyst_a, overrides, field):
    # sent as raw JSON so that escapes such as "\ud800" reach the server as a client would send them
    response = token_client(analyst_a, write=True).generic(
        "POST", "/api/v1/programs/", json.dumps(_create_payload(**overrides)), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]
    if field:
        assert field in body["errors"], body
    assert not Program.objects.filter(code="DOS-2027-0001").exists()
    assert not Funding.objects.filter(program__code="DOS-2027-0001").exists()


def test_duplicate_code_is_409_naming_the_field(token_client, analyst_a):
    client = token_client(analyst_a, write=True)
    assert client.post("/api/v1/programs/", _create_payload(), format="json").status_code == 201
    response = client.post("/api/v1/programs/", _create_payload(), format="json")
    assert response.status_code == 409 and response.json()["code"] == "state_conflict"
    assert "code" in response.json()["errors"]


def test_update_with_current_version_and_rationale(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).patch(
        f"/api/v1/programs/{program_a.pk}/",
        {"title": "Renamed", "version": 1, "rationale_category": "change_in_context", "rationale": "New mandate"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["title"] == "Renamed"


def test_update_of_approved_data_without_rationale_is_400(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).patch(
        f"/api/v1/programs/{program_a.pk}/", {"title": "Renamed", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert {"rationale_category", "rationale"} <= set(response.json()["errors"])


def test_update_without_version_is_409_and_saves_nothing(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).patch(f"/api/v1/programs/{program_a.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version" and response.json()["your_version"] is None
    program_a.refresh_from_db()
    assert program_a.title != "x"


def test_stale_version_is_409_with_what_changed(token_client, analyst_a, program_a):
    client = token_client(analyst_a, write=True)
    change = {"version": 1, "rationale_category": "data_correction", "rationale": "typo"}
    assert client.patch(f"/api/v1/programs/{program_a.pk}/", {**change, "title": "First"}, format="json").status_code == 200
    # when a second client saves with the version it read before
    response = client.patch(f"/api/v1/programs/{program_a.pk}/", {**change, "title": "Second"}, format="json")
    # then 409, nothing saved, and the body says what changed and by whom
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version" and body["your_version"] == 1 and body["current_version"] == 2
    assert {"field": "title", "old": program_a.title, "new": "First"}.items() <= body["changes"][0].items()
    assert body["changes"][0]["by"] == "analyst_a"
    program_a.refresh_from_db()
    assert program_a.title == "First"


def test_other_agency_cannot_update(token_client, analyst_b, program_a):
    response = token_client(analyst_b, write=True).patch(
        f"/api/v1/programs/{program_a.pk}/", {"title": "x", "version": 1}, format="json"
    )
    assert response.status_code == 403


def test_funding_year_set_and_stale_funding_refused(token_client, analyst_a, program_a):
    client = token_client(analyst_a, write=True)
    url = f"/api/v1/programs/{program_a.pk}/funding/"
    body = {"fiscal_year": 2026, "planned": "10.00", "obligated": "5.00", "disbursed": "1.00"}
    response = client.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {**body, "version": 1}
    changed = {**body, "planned": "20.00", "version": 1, "rationale_category": "budget_realignment", "rationale": "cut"}
    assert client.post(url, changed, format="json").json()["version"] == 2
    stale = client.post(url, {**changed, "planned": "30.00"}, format="json")
    assert stale.status_code == 409
    assert Funding.objects.get(program=program_a, fiscal_year=2026).planned == Decimal("20.00")


def test_funding_outside_program_years_is_400_naming_the_field(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).post(
        f"/api/v1/programs/{program_a.pk}/funding/",
        {"fiscal_year": 2040, "planned": "1", "obligated": "0", "disbursed": "0"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "outside the program's years" in response.json()["errors"]["fiscal_year"][0]


def test_funding_disbursed_above_obligated_is_400_naming_disbursed(token_client, analyst_a, program_a):
    response = token_client(analyst_a, write=True).post(
        f"/api/v1/programs/{program_a.pk}/funding/",
        {"fiscal_year": 2026, "planned": "1000", "obligated": "500", "disbursed": "900"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "cannot exceed obligated" in response.json()["errors"]["disbursed"][0]
    assert not Funding.objects.filter(program=program_a, fiscal_year=2026).exists()


def test_transitions_follow_approval_rights(token_client, analyst_a, manager, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)
    url = f"/api/v1/programs/{program.pk}/transition/"
    analyst = token_client(analyst_a, write=True)
    assert analyst.post(url, {"action": "approve", "reason": "ok", "version": 1}, format="json").status_code == 403
    response = token_client(manager, write=True).post(url, {"action": "approve", "reason": "ok", "version": 1}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    bad = analyst.post(url, {"action": "fly", "reason": "x", "version": 2}, format="json")
    assert bad.status_code == 400 and "action" in bad.json()["errors"]

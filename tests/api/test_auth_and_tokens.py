"""Authentication, token grants, throttling and the shared error format."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.models import TokenGrant

pytestmark = pytest.mark.django_db


def test_no_credentials_get_401_in_json_not_a_login_redirect():
    response = APIClient().get("/api/v1/programs/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_gets_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 64)
    assert client.get("/api/v1/countries/").status_code == 401


def test_an_expired_token_gets_401(token_client, analyst_a):
    # given a token whose expiry has passed
    client = token_client(analyst_a)
    AuthToken.objects.filter(user=analyst_a).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    # when it is used, then it is refused
    assert client.get("/api/v1/countries/").status_code == 401


def test_tokens_are_stored_hashed_with_an_expiry(analyst_a):
    from api.tokens import api_token_issue

    grant, clear_text = api_token_issue(user=analyst_a, label="FMS feed", days=30)
    stored = AuthToken.objects.get(digest=grant.token_digest)
    assert clear_text not in (stored.digest, stored.token_key)
    assert stored.expiry is not None and stored.expiry - timezone.now() > dt.timedelta(days=29)
    assert grant.can_write is False


def test_read_only_token_may_read_but_not_write(token_client, analyst_a, program_a):
    client = token_client(analyst_a)
    assert client.get(f"/api/v1/programs/{program_a.pk}/").status_code == 200
    response = client.patch(f"/api/v1/programs/{program_a.pk}/", {"title": "New", "version": 1}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    program_a.refresh_from_db()
    assert program_a.title != "New"


def test_write_token_still_obeys_agency_scoping(token_client, analyst_b, program_a):
    # given a write-granted token of an analyst of another agency
    client = token_client(analyst_b, write=True)
    # when it edits agency A's program, then 403 with the services' message
    response = client.patch(
        f"/api/v1/programs/{program_a.pk}/",
        {"title": "Hijack", "version": 1, "rationale_category": "other", "rationale": "x"},
        format="json",
    )
    assert response.status_code == 403
    assert "DOS" in response.json()["detail"]


def test_session_writes_need_csrf(session_client, analyst_a, program_a):
    client = session_client(analyst_a)
    response = client.patch(f"/api/v1/programs/{program_a.pk}/", {"title": "x", "version": 1}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_reads_work_for_the_browser(session_client, analyst_a):
    assert session_client(analyst_a).get("/api/v1/goals/").status_code == 200


def test_management_command_issues_a_token(analyst_a, capsys):
    call_command("api_token_issue", "analyst_a", "--label", "DSCA feed", "--write", "--days", "10")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    grant = TokenGrant.objects.get(user=analyst_a)
    assert grant.can_write and grant.label == "DSCA feed"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/agencies/").status_code == 200


def test_management_command_refuses_bad_lifetimes(analyst_a):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 1 and 366"):
        call_command("api_token_issue", "analyst_a", "--label", "x", "--days", "1000")
    assert not TokenGrant.objects.exists()


def test_revoked_token_stops_working(token_client, analyst_a):
    from api.tokens import api_token_revoke

    client = token_client(analyst_a)
    api_token_revoke(grant=TokenGrant.objects.get(user=analyst_a), actor=analyst_a)
    assert client.get("/api/v1/agencies/").status_code == 401


def test_throttling_is_per_token(token_client, analyst_a, analyst_b, settings):
    # given a read rate of 3 a minute
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_read": "3/minute", "api_write": "3/minute"}}
    first, second = token_client(analyst_a), token_client(analyst_b)
    # when one token exceeds it
    codes = [first.get("/api/v1/agencies/").status_code for _ in range(4)]
    # then it gets 429 with the error format and another token is not affected
    assert codes == [200, 200, 200, 429]
    assert second.get("/api/v1/agencies/").status_code == 200
    throttled = first.get("/api/v1/agencies/")
    assert throttled.json()["code"] == "throttled" and "Retry-After" in throttled


def test_schema_and_offline_docs_are_served(session_client, token_client, analyst_a):
    assert token_client(analyst_a).get("/api/v1/schema/").status_code == 200
    browser = session_client(analyst_a)
    docs = browser.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    assert browser.get("/api/v1/redoc/").status_code == 404  # no ReDoc: it needs a CDN and inline styles


def test_docs_need_login_in_the_browser():
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_malformed_json_is_a_400_with_the_error_format(token_client, analyst_a):
    response = token_client(analyst_a, write=True).generic(
        "POST", "/api/v1/programs/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_unknown_ids_are_404(token_client, analyst_a):
    client = token_client(analyst_a)
    for url in ("/api/v1/programs/999999/", "/api/v1/programs/abc/", f"/api/v1/countries/{2**70}/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"


def test_huge_and_bad_pages_are_4xx(token_client, analyst_a):
    client = token_client(analyst_a)
    response = client.get("/api/v1/countries/?page_size=100000")
    assert response.status_code == 400 and "page_size" in response.json()["errors"]
    assert client.get("/api/v1/countries/?page_size=x").status_code == 400
    assert client.get("/api/v1/countries/?page=99999").status_code == 404


def test_bad_filter_values_are_400_naming_the_filter(token_client, analyst_a):
    client = token_client(analyst_a)
    response = client.get("/api/v1/programs/?fiscal_year=soon&updated_since=yesterday&status=lost")
    assert response.status_code == 400
    assert {"fiscal_year", "updated_since", "status"} <= set(response.json()["errors"])


# --- every error in the shared shape, as JSON, whatever format was asked for ----------


def _error_requests(token_client, analyst_a, analyst_b, program_a):
    """(expected status, client, method, path, body) for each kind of refusal."""
    writer = token_client(analyst_a, write=True)
    change = {"version": 1, "rationale_category": "data_correction", "rationale": "typo", "title": "First"}
    assert writer.patch(f"/api/v1/programs/{program_a.pk}/", change, format="json").status_code == 200
    return [
        (400, writer, "patch", f"/api/v1/programs/{program_a.pk}/", {"start_fy": "not a year", "version": 2}),
        (401, APIClient(), "get", "/api/v1/programs/", None),
        (403, token_client(analyst_b, write=True), "patch", f"/api/v1/programs/{program_a.pk}/",
         {"title": "x", "version": 2}),
        (404, writer, "get", "/api/v1/programs/999999999/", None),
        (409, writer, "patch", f"/api/v1/programs/{program_a.pk}/", {**change, "title": "Second"}),
    ]


@pytest.mark.parametrize("csv_by", ["query", "accept"])
def test_every_error_is_json_in_the_shared_shape_even_when_csv_was_asked_for(
        token_client, analyst_a, analyst_b, program_a, csv_by):
    for expected, client, method, path, body in _error_requests(token_client, analyst_a, analyst_b, program_a):
        # when the client asks for CSV (?format=csv or Accept: text/csv) and the request is refused
        if csv_by == "query":
            path, extra = path + "?format=csv", {}
        else:
            extra = {"HTTP_ACCEPT": "text/csv"}
        response = getattr(client, method)(path, body, format="json", **extra) if body else \
            getattr(client, method)(path, **extra)
        # then the refusal is JSON with status, code and detail
        assert (response.status_code, response["Content-Type"]) == (expected, "application/json"), (path, body)
        error = response.json()
        assert error["status"] == expected and error["code"] and error["detail"], error


def test_a_request_the_records_state_does_not_allow_is_a_409_state_conflict(token_client, manager, program_a):
    # given an active program, when a manager asks for a transition only a proposed one allows
    response = token_client(manager, write=True).post(
        f"/api/v1/programs/{program_a.pk}/transition/", {"action": "approve", "reason": "ok", "version": 1},
        format="json")
    # then 409 in the shared shape, naming the field, and nothing changed
    assert (response.status_code, response["Content-Type"]) == (409, "application/json")
    body = response.json()
    assert body["code"] == "state_conflict" and body["errors"]["action"] == [body["detail"]]
    assert "cannot be moved by 'approve'" in body["detail"]
    program_a.refresh_from_db()
    assert program_a.status == "active"


# --- the OpenAPI schema: for authenticated callers (docs/access-control.md) -------------


def test_the_schema_needs_a_session_or_a_token(token_client, analyst_a):
    anonymous = APIClient().get("/api/v1/schema/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    response = token_client(analyst_a).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200 and response.json()["info"]["title"] == "SSA Portal API"

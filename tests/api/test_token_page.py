"""The portal's API token page: issue (shown once), list, revoke; administrators see and
revoke everyone's tokens; the security log records both; the navigation offers it."""
from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.models import TokenGrant
from api.tokens import DEFAULT_TOKEN_DAYS, api_token_issue, api_token_revoke
from infrastructure.dates import datetime_text
from tests import factories
from tests.security.signin import sign_in

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _issued_token(response) -> str:
    match = re.search(r'id="issued-token" class="token-value" value="([0-9a-f]+)"', response.content.decode())
    assert match, "the page shows the new token"
    return match.group(1)


def _api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- services -------------------------------------------------------------------------


def test_issue_defaults_to_read_only_for_the_commands_default_lifetime_and_is_logged(analyst_a, caplog):
    with caplog.at_level(logging.INFO, logger="ssa_portal.security"):
        grant, _ = api_token_issue(user=analyst_a, label="  FMS feed ", issued_by=analyst_a)
    assert (grant.label, grant.can_write, grant.issued_by) == ("FMS feed", False, analyst_a)
    assert abs(grant.expires_at - (timezone.now() + dt.timedelta(days=DEFAULT_TOKEN_DAYS))) < dt.timedelta(minutes=1)
    line = next(r.getMessage() for r in caplog.records if "event=api_token_issued" in r.getMessage())
    assert "user=analyst_a " in line and "holder=analyst_a " in line and "scope=read" in line and 'label="FMS feed"' in line


def test_a_user_without_a_role_that_writes_gets_no_write_token_and_nothing_is_saved():
    reader = factories.UserFactory(username="reader")
    with pytest.raises(ValidationError) as refused:
        api_token_issue(user=reader, label="notebook", can_write=True)
    assert "can_write" in refused.value.message_dict
    assert not TokenGrant.objects.exists() and not AuthToken.objects.exists()


def test_a_name_too_long_is_refused_with_the_field_named(analyst_a):
    with pytest.raises(ValidationError) as refused:
        api_token_issue(user=analyst_a, label="x" * 121)
    assert "120 characters" in refused.value.message_dict["label"][0]
    assert not AuthToken.objects.exists()


def test_only_the_holder_or_an_administrator_revokes_and_it_is_logged(analyst_a, analyst_b, administrator, caplog):
    grant, _ = api_token_issue(user=analyst_a, label="feed")
    with pytest.raises(PermissionDenied):
        api_token_revoke(grant=grant, actor=analyst_b)
    assert TokenGrant.objects.filter(pk=grant.pk).exists()
    with caplog.at_level(logging.INFO, logger="ssa_portal.security"):
        api_token_revoke(grant=grant, actor=administrator)
    assert not TokenGrant.objects.exists() and not AuthToken.objects.exists()
    line = next(r.getMessage() for r in caplog.records if "event=api_token_revoked" in r.getMessage())
    assert "user=admin_user " in line and "holder=analyst_a " in line


# --- pages ----------------------------------------------------------------------------


def test_a_token_issued_on_the_page_works_once_shown_and_stops_when_revoked(analyst_a, program_a):
    # Given an analyst on the token page
    client = _client(analyst_a)
    # When they issue a write token for 30 days
    response = client.post("/api-tokens/", {"label": "DSCA feed", "scope": "write", "days": "30"})
    # Then the token is shown once, with the warning, and authenticates an API call
    assert response.status_code == 200 and "shown only once" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = _issued_token(response)
    grant = TokenGrant.objects.get(user=analyst_a)
    assert (grant.label, grant.can_write) == ("DSCA feed", True)
    assert grant.expires_at - timezone.now() > dt.timedelta(days=29)
    assert _api(token).get(f"/api/v1/programs/{program_a.pk}/").status_code == 200
    listing = client.get("/api-tokens/").content.decode()
    assert "DSCA feed" in listing and token not in listing
    # When it is revoked (confirmation page, then POST)
    confirm = client.get(f"/api-tokens/{grant.pk}/revoke/")
    assert confirm.status_code == 200 and "Revoke token" in confirm.content.decode()
    assert TokenGrant.objects.filter(pk=grant.pk).exists(), "a GET revokes nothing"
    response = client.post(f"/api-tokens/{grant.pk}/revoke/")
    assert response.status_code == 302
    # Then the same token no longer authenticates
    assert _api(token).get(f"/api/v1/programs/{program_a.pk}/").status_code == 401
    assert "revoked" in client.get("/api-tokens/").content.decode()


def test_a_read_only_token_from_the_page_may_not_write(analyst_a, program_a):
    token = _issued_token(_client(analyst_a).post("/api-tokens/", {"label": "reader", "scope": "read", "days": "7"}))
    response = _api(token).patch(f"/api/v1/programs/{program_a.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 403


def test_bad_input_names_the_field_and_saves_nothing(analyst_a):
    client = _client(analyst_a)
    response = client.post("/api-tokens/", {"label": " ", "scope": "admin", "days": "1000"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Name: This field is required." in page
    assert "Scope: Select a valid choice." in page
    assert "Expires after: Select a valid choice." in page
    assert not TokenGrant.objects.exists() and not AuthToken.objects.exists()


def test_a_user_without_a_role_that_writes_is_offered_read_only():
    reader = factories.UserFactory(username="reader")
    client = _client(reader)
    assert 'value="write"' not in client.get("/api-tokens/").content.decode()
    response = client.post("/api-tokens/", {"label": "notebook", "scope": "write", "days": "90"})
    assert response.status_code == 400 and "Scope: Select a valid choice." in response.content.decode()
    assert not TokenGrant.objects.exists()


def test_users_see_only_their_own_tokens_and_cannot_reach_others(analyst_a, analyst_b, manager):
    theirs, _ = api_token_issue(user=analyst_b, label="B's feed")
    api_token_issue(user=analyst_a, label="A's feed")
    for user in (analyst_a, manager):
        client = _client(user)
        page = client.get("/api-tokens/").content.decode()
        assert "B&#x27;s feed" not in page
        assert client.get(f"/api-tokens/{theirs.pk}/revoke/").status_code == 404
        assert client.post(f"/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert TokenGrant.objects.filter(pk=theirs.pk).exists()


def test_administrators_see_filter_and_revoke_everyones_tokens(administrator, analyst_a, analyst_b):
    grant_a, _ = api_token_issue(user=analyst_a, label="A feed")
    api_token_issue(user=analyst_b, label="B feed")
    client = _client(administrator)
    everyone = client.get("/api-tokens/").content.decode()
    assert "A feed" in everyone and "B feed" in everyone
    only_a = client.get(f"/api-tokens/?user={analyst_a.pk}").content.decode().split('id="api-tokens"')[1]
    assert "A feed" in only_a and "B feed" not in only_a
    assert client.post(f"/api-tokens/{grant_a.pk}/revoke/").status_code == 302
    assert not TokenGrant.objects.filter(pk=grant_a.pk).exists()


def test_the_list_costs_the_same_queries_however_many_tokens(administrator, django_assert_max_num_queries):
    client = _client(administrator)
    holders = [factories.AnalystFactory(username=f"holder{i}") for i in range(3)]
    api_token_issue(user=holders[0], label="first", issued_by=administrator)
    client.get("/api-tokens/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api-tokens/").status_code == 200
    for i in range(30):
        api_token_issue(user=holders[i % 3], label=f"feed {i}", issued_by=holders[i % 3])
    with django_assert_max_num_queries(len(few)):
        page = client.get("/api-tokens/")
    assert page.status_code == 200 and "Page 1 of 2" in page.content.decode()


def _last_used_cell(page: str, label: str) -> str:
    row = re.search(rf"<tr>\s*<td>{label}</td>.*?</tr>", page, re.S).group(0)
    return re.findall(r"<td>(.*?)</td>", row, re.S)[4]


def test_the_list_shows_when_each_token_was_last_used_over_the_api(analyst_a):
    # given a token issued on the page and never used
    client = _client(analyst_a)
    token = _issued_token(client.post("/api-tokens/", {"label": "FMS feed", "days": "30", "scope": "read"}))
    client.post("/api-tokens/", {"label": "Spare", "days": "30", "scope": "read"})
    assert _last_used_cell(client.get("/api-tokens/").content.decode(), "FMS feed") == "never"

    # when it reads the API
    assert _api(token).get("/api/v1/regions/").status_code == 200

    # then the page shows when, as every time is shown; the unused token still says never
    grant = TokenGrant.objects.get(label="FMS feed")
    assert grant.last_used_at is not None and timezone.now() - grant.last_used_at < dt.timedelta(seconds=30)
    page = client.get("/api-tokens/").content.decode()
    assert datetime_text(grant.last_used_at) in _last_used_cell(page, "FMS feed")
    assert _last_used_cell(page, "Spare") == "never"

    # and a wrong token records nothing
    assert _api(token[:-1] + ("0" if token[-1] != "0" else "1")).get("/api/v1/regions/").status_code == 401
    assert TokenGrant.objects.get(label="Spare").last_used_at is None


def test_a_tokens_use_is_written_at_most_once_a_minute(analyst_a):
    grant, token = api_token_issue(user=analyst_a, label="busy feed")
    api = _api(token)
    assert api.get("/api/v1/regions/").status_code == 200
    first = TokenGrant.objects.get(pk=grant.pk).last_used_at

    # within the minute: the conditional statement runs and writes nothing
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/regions/").status_code == 200
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and '"last_used_at" IS NULL OR' in updates[0]
    assert TokenGrant.objects.get(pk=grant.pk).last_used_at == first

    # over a minute later: written again
    TokenGrant.objects.filter(pk=grant.pk).update(last_used_at=first - dt.timedelta(seconds=61))
    assert api.get("/api/v1/regions/").status_code == 200
    assert TokenGrant.objects.get(pk=grant.pk).last_used_at > first


def test_anonymous_users_are_sent_to_sign_in():
    response = Client().get("/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- navigation and the API docs ------------------------------------------------------


def test_navigation_offers_api_tokens_to_everyone_and_the_django_admin_to_administrators(analyst_a, manager):
    admin = factories.UserFactory(username="staff_admin", role="Administrator", is_staff=True, is_superuser=True)
    from tests.security.otp_helpers import confirmed_device

    confirmed_device(admin)
    for user, sees_admin in ((analyst_a, False), (manager, False), (admin, True)):
        nav = _client(user).get("/programs/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
        assert 'href="/api-tokens/"' in nav, user
        assert ('href="/admin/"' in nav) is sees_admin, user


def test_the_api_docs_open_inside_the_portal_layout(analyst_a):
    page = _client(analyst_a).get("/api/v1/docs/").content.decode()
    assert 'aria-label="Main"' in page and 'id="swagger-ui"' in page
    assert 'href="/"' in page and "Back to the portal" in page
    assert "<style" not in page and "<script>" not in page

"""Leaving: sign-out ends the provider's session too; an account the provider disabled or
no longer knows is disabled here, with its API tokens."""
import psycopg2
import pytest
from django.db import connection
from django.test import Client

from api.tokens import api_token_issue
from identity.models import ProviderAccount
from identity.provider_checks import LOCK_SCOPE, provider_accounts_check
from identity.tasks import provider_accounts_verify
from identity.token_sealing import unseal
from infrastructure.locks import _key
from programs.models import User
from tests.identity.flow import callback_path, portal_client, provider_session, sign_in_through
from tests.identity.test_sign_in import refusal_code

pytestmark = pytest.mark.django_db


def test_sign_out_also_ends_the_provider_session(identity_providers):
    client = portal_client()
    at_provider = provider_session(identity_providers, "ana")
    client.get(callback_path(client, "secret", at_provider))
    page = client.post("/accounts/logout/")
    assert page.status_code == 200
    html = page.content.decode()
    end_session = html.split('content="0;url=', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert end_session.startswith(identity_providers.issuer + "/logout/?")
    assert "id_token_hint=" in end_session and "post_logout_redirect_uri=" in end_session
    assert client.get("/").status_code == 302  # signed out of the portal
    # the browser follows it: the provider ends its session and sends it back to the portal
    back = at_provider.get(end_session, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"] == "http://127.0.0.1/accounts/login/"
    again = at_provider.get(client.get("/accounts/oidc/secret/")["Location"], allow_redirects=False, timeout=10)
    assert "/accounts/login/" in again.headers["Location"]  # the provider asks for the password again


def test_a_password_session_signs_out_as_before(analyst_a):
    client = Client()
    client.force_login(analyst_a)
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"


def _signed_in_with_token(provider, username: str) -> tuple[User, str]:
    sign_in_through(portal_client(), provider, "secret", username)
    user = User.objects.get(username=f"{username}@state.example.gov")
    _, token = api_token_issue(user=user, label="analysis notebook")
    return user, token


def test_an_account_disabled_at_the_provider_is_disabled_here_with_its_api_tokens(identity_providers):
    user, token = _signed_in_with_token(identity_providers, "leaver")
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/programs/").status_code == 200
    session = portal_client()
    sign_in_through(session, identity_providers, "secret", "leaver")
    try:
        # when the agency disables the account and the scheduled check runs
        identity_providers.manage("provider_user", "leaver", "--disable")
        assert provider_accounts_verify.apply().get() == {"checked": 1, "disabled": 1, "unreachable": 0}
        # then the account, its API token and its session stop working
        user.refresh_from_db()
        assert not user.is_active
        assert ProviderAccount.objects.get(user=user).disabled_reason.startswith("Test provider")
        assert api.get("/api/v1/programs/").status_code == 401
        assert session.get("/")["Location"].startswith("/accounts/login/")
        # and signing in is refused: by the provider, and by the portal if the provider relents
        with pytest.raises(AssertionError, match="did not sign leaver in"):
            provider_session(identity_providers, "leaver")
        identity_providers.manage("provider_user", "leaver", "--enable")
        answer = sign_in_through(portal_client(), identity_providers, "secret", "leaver")
        assert answer.status_code == 403 and refusal_code(answer) == "account_disabled"
    finally:
        identity_providers.seed_users()


def test_an_account_the_provider_no_longer_knows_is_disabled(identity_providers):
    user, token = _signed_in_with_token(identity_providers, "leaver")
    try:
        identity_providers.manage("provider_user", "leaver", "--delete")
        assert provider_accounts_check()["disabled"] == 1
        user.refresh_from_db()
        assert not user.is_active
        assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/programs/").status_code == 401
    finally:
        identity_providers.seed_users()


def test_accounts_the_provider_still_knows_stay_and_their_refresh_token_rotates(identity_providers):
    sign_in_through(portal_client(), identity_providers, "secret", "ana")
    account = ProviderAccount.objects.get()
    before = account.refresh_token
    assert provider_accounts_check() == {"checked": 1, "disabled": 0, "unreachable": 0}
    account.refresh_from_db()
    assert account.checked_at is not None and unseal(account.refresh_token) not in ("", unseal(before))
    assert account.user.is_active


def test_a_provider_that_cannot_be_reached_disables_nobody_and_is_tried_once(identity_providers, settings):
    sign_in_through(portal_client(), identity_providers, "secret", "ana")
    sign_in_through(portal_client(), identity_providers, "secret", "dora")
    settings.OIDC_PROVIDERS["secret"]["issuer"] = "http://127.0.0.1:9/o"  # nothing listens there
    assert provider_accounts_check() == {"checked": 2, "disabled": 0, "unreachable": 2}
    assert User.objects.filter(is_active=True, provider_accounts__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_check_already_running_is_not_run_twice(identity_providers):
    sign_in_through(portal_client(), identity_providers, "secret", "ana")
    db = connection.settings_dict
    other = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
    try:
        with other.cursor() as cursor:
            # given another worker's check holding the lock (in its own database session)
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", _key(LOCK_SCOPE))
            assert provider_accounts_check() == {"checked": 0, "disabled": 0, "unreachable": 0}
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(LOCK_SCOPE))
    finally:
        other.close()
    # once it has finished, the next run checks
    assert provider_accounts_check()["checked"] == 1

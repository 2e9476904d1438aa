"""Signing in through the real test provider in Chromium: as analyst and as manager, the
refusals (unknown agency, tampered and expired ID tokens, replayed state, disabled
account) and sign-out at the provider."""
import pytest
from django.test import Client

from api.tokens import api_token_issue
from identity.provider_checks import provider_accounts_check
from programs.models import User
from tests.conftest import screenshot
from tests.identity.provider import PASSWORD
from tests.security.test_csp_browser import _watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _through_provider(page, provider_name: str, username: str) -> None:
    page.goto("/accounts/login/")
    screenshot(page, "identity-sign-in-page")
    page.click(f"text=Sign in with {provider_name}")
    page.wait_for_selector("#provider-username")
    page.fill("#provider-username", username)
    page.fill("#provider-password", PASSWORD)
    page.click("#provider-sign-in")
    page.wait_for_load_state()


def test_an_analyst_signs_in_through_the_provider_and_out_of_both(new_page, identity_providers):
    page = new_page()
    csp_problems = _watch(page)  # the sign-in page, the hand-overs and sign-out run under the strict CSP
    _through_provider(page, "Test provider (portal-secret)", "ana")
    assert page.locator("h1").inner_text() == "My work"  # home: the work lists
    assert page.locator(".account").inner_text().startswith("ana@state.example.gov · DOS · Analyst")
    screenshot(page, "identity-analyst-signed-in")
    page.click("text=Sign out")
    page.wait_for_url(lambda url: url.endswith("/accounts/login/"))
    # the provider's session ended too: signing in again asks for the password
    page.click("text=Sign in with Test provider (portal-secret)")
    page.wait_for_selector("#provider-username")
    assert csp_problems == []


def test_a_manager_signs_in_with_private_key_jwt(new_page, identity_providers):
    page = new_page()
    _through_provider(page, "Test provider (portal-jwt)", "max")
    assert "Manager" in page.locator(".account").inner_text()
    assert page.locator("h1").inner_text() == "My work"  # home: the work lists


@pytest.mark.parametrize("provider, username, code, says", [
    ("portal-secret", "eve", "unknown_agency", "does not know your agency"),
    ("portal-tampered", "ana", "token_invalid", "failed its checks"),
    ("portal-expired", "ana", "token_expired", "has expired"),
])
def test_refusals_are_shown_on_a_clear_page(new_page, identity_providers, provider, username, code, says):
    page = new_page()
    csp_problems = _watch(page)
    _through_provider(page, f"Test provider ({provider})", username)
    refusal = page.locator(f"[data-refusal={code}]")
    assert says in refusal.inner_text()
    assert page.locator("h1").inner_text() == "Sign-in refused"
    assert not User.objects.filter(username=f"{username}@state.example.gov").exists() or code == "unknown_agency"
    assert csp_problems == [] and page.evaluate("window.__cspViolations") == []
    screenshot(page, f"identity-refused-{code}")


def test_a_replayed_state_is_refused(new_page, identity_providers):
    page = new_page()
    callbacks = []
    page.on("request", lambda request: callbacks.append(request.url) if "/accounts/oidc/callback/" in request.url else None)
    _through_provider(page, "Test provider (portal-secret)", "ana")
    page.click("text=Sign out")
    page.wait_for_url(lambda url: url.endswith("/accounts/login/"))
    page.goto(callbacks[0])
    assert page.locator("[data-refusal=state_unknown]").is_visible()


def test_a_disabled_account_cannot_sign_in_and_its_api_token_stops(new_page, identity_providers):
    page = new_page()
    _through_provider(page, "Test provider (portal-secret)", "leaver")
    user = User.objects.get(username="leaver@state.example.gov")
    _, token = api_token_issue(user=user, label="report feed")
    try:
        identity_providers.manage("provider_user", "leaver", "--disable")
        provider_accounts_check()
        assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/programs/").status_code == 401
        page.goto("/")
        assert "/accounts/login/" in page.url  # the portal session ended
        other = new_page()
        other.goto("/accounts/login/")
        other.click("text=Sign in with Test provider (portal-secret)")
        other.fill("#provider-username", "leaver")
        other.fill("#provider-password", PASSWORD)
        other.click("#provider-sign-in")
        assert other.locator("#provider-error").is_visible()  # the provider refuses
    finally:
        identity_providers.seed_users()

"""The ID token and the state are checked: tampered and expired tokens, replayed or
foreign state, provider errors, and the provider's key rotation."""
import pytest
from django.core.cache import cache

from identity.models import ProviderAccount
from identity.providers import provider_get
from programs.models import User
from tests.identity.flow import callback_path, portal_client, provider_session, sign_in_through
from tests.identity.test_sign_in import refusal_code

pytestmark = pytest.mark.django_db


def test_a_tampered_id_token_is_refused(identity_providers):
    # the provider's answer was changed after signing (groups + ssa-administrators)
    answer = sign_in_through(portal_client(), identity_providers, "tampered", "ana")
    assert answer.status_code == 400 and refusal_code(answer) == "token_invalid"
    assert "Signature verification failed" in answer.content.decode()
    assert not User.objects.filter(username="ana@state.example.gov").exists()


def test_an_expired_id_token_is_refused(identity_providers):
    answer = sign_in_through(portal_client(), identity_providers, "expired", "ana")
    assert answer.status_code == 400 and refusal_code(answer) == "token_expired"
    assert not ProviderAccount.objects.exists()


def test_a_replayed_state_is_refused(identity_providers):
    client = portal_client()
    path = callback_path(client, "secret", provider_session(identity_providers, "ana"))
    assert client.get(path).status_code == 302  # signed in
    client.logout()
    replay = client.get(path)
    assert replay.status_code == 400 and refusal_code(replay) == "state_unknown"
    assert "already used" in replay.content.decode()


def test_a_state_started_in_another_browser_is_refused(identity_providers):
    path = callback_path(portal_client(), "secret", provider_session(identity_providers, "ana"))
    answer = portal_client().get(path)  # an attacker's browser, or a link sent to someone else
    assert answer.status_code == 400 and refusal_code(answer) == "state_unknown"
    assert not User.objects.filter(username="ana@state.example.gov").exists()


def test_a_provider_error_is_shown_and_its_state_forgotten(identity_providers):
    client = portal_client()
    path = callback_path(client, "secret", provider_session(identity_providers, "ana"))
    state = path.split("state=", 1)[1].split("&", 1)[0]
    answer = client.get("/accounts/oidc/callback/", {"state": state, "error": "access_denied",
                                                     "error_description": "The user cancelled"})
    assert answer.status_code == 403 and refusal_code(answer) == "provider_error"
    assert "The user cancelled" in answer.content.decode()
    assert refusal_code(client.get(path)) == "state_unknown"


def test_keys_the_provider_rotated_in_are_fetched_again(identity_providers):
    # given a cached key set from before the provider rotated its keys
    provider = provider_get("secret")
    sign_in_through(portal_client(), identity_providers, "secret", "ana")
    cache_key = f"identity:jwks:{provider.issuer}"
    current = cache.get(cache_key)
    cache.set(cache_key, {"keys": [{**current["keys"][0], "kid": "retired-key"}]})
    # when someone signs in with a token signed by the new key, then the set is fetched again
    answer = sign_in_through(portal_client(), identity_providers, "secret", "dora")
    assert answer.status_code == 302
    assert cache.get(cache_key) == current


def test_an_unknown_provider_key_is_404(identity_providers):
    assert portal_client().get("/accounts/oidc/nosuch/").status_code == 404

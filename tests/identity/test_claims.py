"""The claim rules on their own: agency, roles, PIV/CAC level (no provider needed)."""
import pytest

from identity.claims import agency_code_of, is_piv_level, roles_for_groups
from identity.providers import Provider
from identity.refusals import SignInRefused

OKTA = Provider(key="state", name="State (Okta)", issuer="https://state.okta.example/oauth2/default",
                client_id="portal", client_secret="s", agency_domains={"state.gov": "DOS"},
                piv_acr_values=("phrh",))
ENTRA = Provider(key="dod", name="DoD (Entra ID)", issuer="https://login.microsoftonline.com/t/v2.0",
                 client_id="portal", client_secret="s", agency_claim="agency", acr_claim="acrs",
                 piv_acr_values=("c1",))


def test_the_agency_claim_wins_over_the_e_mail_domain():
    assert agency_code_of(ENTRA, {"agency": "dod", "email": "x@state.gov"}) == "DOD"
    assert agency_code_of(OKTA, {"email": "Someone@State.gov"}) == "DOS"


@pytest.mark.parametrize("claims", [{"email": "x@example.com"}, {}, {"email": "x@state.gov", "email_verified": False}])
def test_no_agency_is_a_refusal_never_a_default(claims):
    with pytest.raises(SignInRefused):
        agency_code_of(OKTA, claims)


def test_a_star_mapping_grants_its_role_to_everyone_of_the_provider():
    assert roles_for_groups([], [("*", "Analyst")]) == {"Analyst"}
    assert roles_for_groups(["a", "b"], [("b", "Manager"), ("c", "Administrator")]) == {"Manager"}


def test_piv_level_reads_the_configured_acr_claim_string_or_list():
    assert is_piv_level(OKTA, {"acr": "phrh"}) and not is_piv_level(OKTA, {"acr": "urn:okta:loa:2fa:any"})
    assert is_piv_level(ENTRA, {"acrs": ["c1", "c2"]}) and not is_piv_level(ENTRA, {"acr": "c1"})


def test_a_provider_missing_its_settings_fails_the_system_check(settings):
    from identity.checks import identity_providers_check

    settings.OIDC_PROVIDERS = {"state": {"issuer": "https://state.okta.example", "client_id": "portal"},
                               "dod": {"issuer": "https://x", "client_id": "p", "client_auth": "private_key_jwt"}}
    messages = [error.msg for error in identity_providers_check()]
    assert messages == ["OpenID Connect provider 'state' lacks: client_secret",
                        "OpenID Connect provider 'dod' lacks: private_key_file (private_key_jwt)"]


@pytest.mark.django_db
def test_claims_the_account_cannot_hold_are_refused_naming_the_field(agency_b):
    from identity.models import GroupRoleMapping, ProviderAccount
    from identity.services import provider_sign_in

    GroupRoleMapping.objects.create(provider="dod", group="ssa-analysts", role="Analyst")
    with pytest.raises(SignInRefused) as refused:
        provider_sign_in(provider=ENTRA, claims={"sub": "auth0|42", "agency": "DOD", "groups": ["ssa-analysts"]})
    assert refused.value.code == "invalid_claims" and "username" in refused.value.message
    assert not ProviderAccount.objects.exists()

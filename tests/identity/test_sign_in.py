"""Signing in through a real OpenID Connect provider: who you are here (just-in-time
account, agency, role, acr/amr), and the refusals."""
import pytest
from django.contrib.auth.models import Group

from identity.models import GroupRoleMapping, ProviderAccount, ProviderSignIn
from identity.selectors import sign_in_policy_get
from programs.models import User
from ssa_portal.security.otp import REQUIRED_KEY
from tests.identity.flow import portal_client, sign_in_through

pytestmark = pytest.mark.django_db

PIV_ACR = "http://idmanagement.gov/ns/assurance/aal/3?hspd12=true"


def refusal_code(response) -> str:
    return response.content.decode().split('data-refusal="', 1)[1].split('"', 1)[0]


def test_an_analyst_signs_in_with_a_client_secret_and_gets_an_account_just_in_time(identity_providers):
    # given a provider user of the State Department in group ssa-analysts, unknown to the portal
    client = portal_client()
    # when they sign in through the provider (client_secret_basic, PKCE, nonce, state)
    answer = sign_in_through(client, identity_providers, "secret", "ana")
    # then they have an account: agency from the e-mail domain, role from the group mapping
    assert answer.status_code == 302 and answer["Location"] == "/"
    user = User.objects.get(username="ana@state.example.gov")
    assert user.agency.code == "DOS"
    assert list(user.groups.values_list("name", flat=True)) == ["Analyst"]
    assert not user.has_usable_password() and not user.is_staff
    assert ProviderAccount.objects.get(user=user).provider == "secret"
    record = ProviderSignIn.objects.get(user=user)
    assert (record.acr, record.amr, record.piv_level) == ("http://idmanagement.gov/ns/assurance/aal/2", ["pwd"], False)
    assert client.get("/").status_code == 200


def test_a_manager_signs_in_with_private_key_jwt_and_a_piv_card(identity_providers):
    client = portal_client()
    answer = sign_in_through(client, identity_providers, "jwt", "max")
    assert answer.status_code == 302
    user = User.objects.get(username="max@state.example.gov")
    assert list(user.groups.values_list("name", flat=True)) == ["Manager"]
    record = ProviderSignIn.objects.get(user=user)
    assert (record.acr, record.amr, record.piv_level) == (PIV_ACR, ["piv", "hwk"], True)


def test_the_agency_comes_from_the_agency_claim_when_the_provider_sends_one(identity_providers):
    sign_in_through(portal_client(), identity_providers, "secret", "dora")
    assert User.objects.get(username="dora@mail.example.mil").agency.code == "DOD"


def test_an_unknown_agency_is_refused_with_a_clear_page_and_no_account(identity_providers):
    answer = sign_in_through(portal_client(), identity_providers, "secret", "eve")
    assert answer.status_code == 403
    assert refusal_code(answer) == "unknown_agency"
    assert "does not know your agency" in answer.content.decode()
    assert "unknown-agency.example" in answer.content.decode()
    assert not User.objects.filter(email="eve@unknown-agency.example").exists()
    assert not ProviderAccount.objects.exists()


def test_an_agency_code_not_in_the_portal_is_refused(identity_providers, settings):
    settings.OIDC_PROVIDERS["secret"]["agency_domains"] = {"state.example.gov": "NOPE"}
    answer = sign_in_through(portal_client(), identity_providers, "secret", "ana")
    assert answer.status_code == 403 and refusal_code(answer) == "unknown_agency"
    assert "NOPE" in answer.content.decode()
    assert not User.objects.filter(username="ana@state.example.gov").exists()


def test_a_user_whose_groups_map_to_no_role_is_refused(identity_providers):
    answer = sign_in_through(portal_client(), identity_providers, "secret", "nogroup")
    assert answer.status_code == 403 and refusal_code(answer) == "no_role"
    assert "cafeteria" in answer.content.decode()
    assert not User.objects.filter(username="nogroup@state.example.gov").exists()


def test_roles_follow_the_mapping_at_every_sign_in(identity_providers):
    sign_in_through(portal_client(), identity_providers, "secret", "ana")
    # an administrator maps ssa-analysts to Manager instead
    GroupRoleMapping.objects.filter(group="ssa-analysts").update(role="Manager")
    sign_in_through(portal_client(), identity_providers, "secret", "ana")
    user = User.objects.get(username="ana@state.example.gov")
    assert list(user.groups.values_list("name", flat=True)) == ["Manager"]
    assert ProviderSignIn.objects.filter(user=user).count() == 2


def test_role_mappings_keep_their_history():
    mapping = GroupRoleMapping.objects.create(group="ssa-auditors", role="Analyst")
    mapping.role = "Manager"
    mapping.save()
    assert [h.role for h in mapping.history.order_by("history_date")] == ["Analyst", "Manager"]


def test_when_required_elevated_roles_need_a_piv_level_sign_in(identity_providers):
    policy = sign_in_policy_get()
    policy.elevated_roles_require_piv = True
    policy.save()
    refused = sign_in_through(portal_client(), identity_providers, "secret", "mel")  # manager, password only
    assert refused.status_code == 403 and refusal_code(refused) == "piv_required"
    assert "PIV/CAC" in refused.content.decode()
    assert not User.objects.filter(username="mel@state.example.gov").exists()
    assert sign_in_through(portal_client(), identity_providers, "secret", "max").status_code == 302  # PIV card
    assert sign_in_through(portal_client(), identity_providers, "secret", "ana").status_code == 302  # analyst


def test_an_administrator_with_a_piv_sign_in_needs_no_totp_code_but_one_without_does(identity_providers):
    GroupRoleMapping.objects.create(provider="secret", group="piv-admins", role="Administrator")
    identity_providers.user_groups_set("max", ["ssa-managers", "piv-admins", "piv-card"])
    identity_providers.user_groups_set("mel", ["ssa-managers", "piv-admins"])
    try:
        with_piv = portal_client()
        sign_in_through(with_piv, identity_providers, "secret", "max")
        admin = User.objects.get(username="max@state.example.gov")
        assert admin.is_staff and set(admin.groups.values_list("name", flat=True)) == {"Manager", "Administrator"}
        assert with_piv.session[REQUIRED_KEY] is False
        assert with_piv.get("/").status_code == 200
        without_piv = portal_client()
        sign_in_through(without_piv, identity_providers, "secret", "mel")
        assert without_piv.get("/")["Location"].startswith("/accounts/otp/setup/")
    finally:
        identity_providers.seed_users()


def test_a_local_account_with_the_same_name_is_not_taken_over(identity_providers):
    User.objects.create_user("ana@state.example.gov", password="local-password-123")
    answer = sign_in_through(portal_client(), identity_providers, "secret", "ana")
    assert answer.status_code == 403 and refusal_code(answer) == "username_taken"
    assert not ProviderAccount.objects.exists()


def test_an_account_of_another_subject_is_not_linked_by_its_name(identity_providers):
    user = User.objects.create(username="ana@state.example.gov")
    ProviderAccount.objects.create(user=user, provider="secret", subject="x", last_seen_at="2026-01-01T00:00Z")
    user.groups.add(Group.objects.get(name="Manager"))
    # a different subject: the existing account is not linked, whatever its name
    answer = sign_in_through(portal_client(), identity_providers, "secret", "ana")
    assert refusal_code(answer) == "username_taken"

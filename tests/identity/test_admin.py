"""Administrators set the group -> role mapping, the sign-in policy and accounts in the
Django admin, through identity's services: each change keeps who made it, goes to the
security log, and deactivating an account revokes its API tokens."""
import logging

import pytest
from django.test import Client
from knox.models import AuthToken

from identity.models import GroupRoleMapping
from identity.selectors import sign_in_policy_get
from programs.permissions import ADMINISTRATOR
from tests import factories
from tests.security.otp_helpers import confirmed_device
from tests.security.signin import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    user = factories.UserFactory(username="identity_admin", role=ADMINISTRATOR, is_staff=True, is_superuser=True)
    confirmed_device(user)
    client = Client()
    sign_in(client, user)
    return client


def test_an_administrator_maps_a_group_to_a_role_and_history_names_them(admin_client):
    answer = admin_client.post("/admin/identity/grouprolemapping/add/",
                               {"provider": "state", "group": "SSA-Managers", "role": "Manager"})
    assert answer.status_code == 302, answer.content[:500]
    mapping = GroupRoleMapping.objects.get(group="SSA-Managers")
    assert (mapping.provider, mapping.role) == ("state", "Manager")
    assert mapping.history.get().history_user.username == "identity_admin"


def test_a_mapping_to_an_unknown_role_is_refused_with_the_field_named(admin_client):
    answer = admin_client.post("/admin/identity/grouprolemapping/add/",
                               {"provider": "", "group": "auditors", "role": "Auditor"})
    assert answer.status_code == 200
    assert "Select a valid choice" in answer.content.decode()
    assert not GroupRoleMapping.objects.exists()


def test_an_administrator_switches_local_sign_in_off(admin_client):
    policy = sign_in_policy_get()
    policy.save()  # the row as administrators first saved it
    answer = admin_client.post(f"/admin/identity/signinpolicy/{policy.pk}/change/",
                               {"elevated_roles_require_piv": "on"})
    assert answer.status_code == 302, answer.content[:500]
    policy.refresh_from_db()
    assert (policy.local_password_sign_in, policy.elevated_roles_require_piv) == (False, True)
    assert policy.history.latest().history_user.username == "identity_admin"



def test_policy_and_mapping_changes_go_to_the_security_log_and_a_mapping_is_removed_with_history(admin_client, caplog):
    policy = sign_in_policy_get()
    policy.save()  # the row as administrators first saved it
    with caplog.at_level(logging.WARNING, logger="ssa_portal.security"):
        admin_client.post(f"/admin/identity/signinpolicy/{policy.pk}/change/", {})  # both switches off
        admin_client.post("/admin/identity/grouprolemapping/add/", {"provider": "", "group": "auditors", "role": "Analyst"})
        mapping = GroupRoleMapping.objects.get(group="auditors")
        assert admin_client.post(f"/admin/identity/grouprolemapping/{mapping.pk}/delete/", {"post": "yes"}).status_code == 302
    lines = [r.getMessage() for r in caplog.records]
    assert any("event=sign_in_policy_changed" in line and "user=identity_admin" in line
               and "changed=local_password_sign_in" in line and "local_password_sign_in=False" in line
               for line in lines), lines
    assert [line.split("action=")[1] for line in lines if "event=role_mapping_changed" in line] == ["added", "removed"]
    assert not GroupRoleMapping.objects.exists()
    removal = GroupRoleMapping.history.get(history_type="-")
    assert (removal.history_user.username, removal.history_change_reason) == ("identity_admin", "removed in the admin")


def test_deactivating_an_account_in_the_admin_revokes_its_api_tokens_and_is_logged(admin_client, analyst_a, caplog):
    from api.tokens import api_token_issue

    api_token_issue(user=analyst_a, label="sync", issued_by=analyst_a)
    page = admin_client.get(f"/admin/programs/user/{analyst_a.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"groups": [g.pk for g in analyst_a.groups.all()], "user_permissions": [], "is_active": "",
                 "agency": analyst_a.agency_id, "last_login_0": "", "last_login_1": "",
                 "date_joined_0": analyst_a.date_joined.strftime("%Y-%m-%d"),
                 "date_joined_1": analyst_a.date_joined.strftime("%H:%M:%S")})
    data = {k: v for k, v in data.items() if k not in ("is_staff", "is_superuser", "last_login", "date_joined")}
    with caplog.at_level(logging.WARNING, logger="ssa_portal.security"):
        answer = admin_client.post(f"/admin/programs/user/{analyst_a.pk}/change/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    analyst_a.refresh_from_db()
    assert not analyst_a.is_active and not AuthToken.objects.filter(user=analyst_a).exists()
    line = next(r.getMessage() for r in caplog.records if "event=account_changed" in r.getMessage())
    assert "account=analyst_a" in line and "tokens_revoked=1" in line and "is_active=False" in line
    assert analyst_a.history.latest().history_user.username == "identity_admin"
    assert admin_client.post(f"/admin/programs/user/{analyst_a.pk}/delete/", {"post": "yes"}).status_code == 403

"""Administrators set the group -> role mapping and the sign-in policy in the Django admin;
each change keeps who made it."""
import pytest
from django.test import Client

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
    answer = admin_client.post(f"/admin/identity/signinpolicy/{policy.pk}/change/",
                               {"elevated_roles_require_piv": "on"})
    assert answer.status_code == 302, answer.content[:500]
    policy.refresh_from_db()
    assert (policy.local_password_sign_in, policy.elevated_roles_require_piv) == (False, True)
    assert policy.history.latest().history_user.username == "identity_admin"


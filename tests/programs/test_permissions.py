"""Role rules in programs.permissions: analysts own their agency's records, managers
approve and decide, administrators do everything, anonymous users nothing."""
import pytest
from django.contrib.auth.models import AnonymousUser

from programs import permissions
from tests import factories

pytestmark = pytest.mark.django_db


def test_analyst_edits_only_own_agency(analyst_a, analyst_b, program_a):
    assert permissions.can_edit_program(analyst_a, program_a)
    assert not permissions.can_edit_program(analyst_b, program_a)
    assert not permissions.can_approve(analyst_a)


def test_manager_approves_but_does_not_edit_agency_data(manager, program_a):
    assert permissions.can_approve(manager)
    assert permissions.can_restore(manager)
    assert not permissions.can_edit_program(manager, program_a)


def test_administrator_may_do_everything(administrator, program_a):
    assert permissions.can_edit_program(administrator, program_a)
    assert permissions.can_approve(administrator)
    assert permissions.role_names(administrator) == ["Administrator"]


def test_anonymous_and_roleless_users_may_do_nothing(program_a, agency_a):
    for user in (AnonymousUser(), factories.UserFactory(agency=agency_a)):
        assert not permissions.can_edit_program(user, program_a)
        assert not permissions.can_approve(user)


def test_analyst_without_agency_edits_nothing(program_a):
    analyst = factories.AnalystFactory(agency=None)
    assert not permissions.can_edit_program(analyst, program_a)

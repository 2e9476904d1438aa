"""The Analyst, Manager and Administrator groups exist after ``migrate`` alone (a
post_migrate receiver), before any user or demo data is loaded."""
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from programs.models import User
from programs.permissions import ROLES

pytestmark = pytest.mark.django_db


def test_the_role_groups_exist_in_a_freshly_migrated_database_without_users():
    assert not User.objects.exists()  # nothing but migrate has run on this database
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES)


def test_migrate_recreates_a_missing_role_group_and_duplicates_none():
    Group.objects.filter(name="Manager").delete()

    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)

    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(ROLES)

"""Shared fixtures: reference data, role-named users (STYLE.md rule 8), a browser.

Tests run against the database named by DATABASE_URL (PostgreSQL in CI) and the broker
named by REDIS_URL; nothing we own or run is mocked.
"""
import os

import pytest
from django.contrib.auth.models import Group

from programs.permissions import ADMINISTRATOR, ANALYST, MANAGER
from programs.services.reference_data import reference_data_load
from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the ORM


def _ensure_reference_data() -> None:
    from programs.models import Country

    if not Country.objects.exists():
        reference_data_load()
    for name in (ANALYST, MANAGER, ADMINISTRATOR):
        Group.objects.get_or_create(name=name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load reference data once into the test database, committed."""
    with django_db_blocker.unblock():
        _ensure_reference_data()


@pytest.fixture(autouse=True)
def reference_data(request, django_db_blocker):
    """Reference data in every database test: reloaded (committed) after a transactional
    test has flushed the tables."""
    marker = request.node.get_closest_marker("django_db")
    if marker or {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            _ensure_reference_data()
    yield


@pytest.fixture
def agency_a():
    return factories.agency("DOS")


@pytest.fixture
def agency_b():
    return factories.agency("DOD")


@pytest.fixture
def analyst_a(agency_a):
    """Analyst of agency A (State)."""
    return factories.AnalystFactory(username="analyst_a", agency=agency_a)


@pytest.fixture
def analyst_b(agency_b):
    """Analyst of agency B (Defense)."""
    return factories.AnalystFactory(username="analyst_b", agency=agency_b)


@pytest.fixture
def manager():
    return factories.ManagerFactory(username="manager")


@pytest.fixture
def administrator():
    return factories.UserFactory(username="admin_user", role=ADMINISTRATOR)


@pytest.fixture
def program_a(agency_a):
    """An active program led by agency A in Kenya."""
    return factories.ProgramFactory(lead_agency=agency_a)

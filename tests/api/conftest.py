"""API clients per role: systems with tokens (read-only or granted write), browsers with sessions."""
import pytest
from rest_framework.test import APIClient

from api.tokens import api_token_issue


@pytest.fixture
def token_client():
    """``token_client(user, write=False)``: an APIClient sending ``Authorization: Token <key>``."""

    def make(user, write: bool = False) -> APIClient:
        _, token = api_token_issue(user=user, label=f"test system of {user.username}", can_write=write)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


@pytest.fixture
def session_client():
    def make(user) -> APIClient:
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def large_count_of_3(monkeypatch):
    """Lists of 3 rows or more count as large (the rule's threshold, small enough for a test)."""
    from django.core.cache import cache

    from api import pagination

    monkeypatch.setattr(pagination, "LARGE_COUNT", 3)
    cache.clear()
    yield
    cache.clear()

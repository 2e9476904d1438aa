"""A real OpenID Connect provider for the identity tests (started once per session) and
the portal configured to use it."""
from __future__ import annotations

import pytest

from tests.identity.provider import provider_start, provider_stop


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The test provider (tests/oidc_provider), running for the whole session."""
    provider = provider_start(tmp_path_factory.mktemp("oidc_provider"))
    yield provider
    provider_stop(provider)


@pytest.fixture
def identity_providers(settings, oidc_provider, agency_a, agency_b):
    """The portal signs in through the test provider: ``secret`` (client secret), ``jwt``
    (private_key_jwt), ``expired`` and ``tampered`` (fault clients); groups mapped to roles."""
    from identity.models import GroupRoleMapping

    settings.OIDC_PROVIDERS = {
        "secret": oidc_provider.portal_settings("secret", "portal-secret"),
        "jwt": oidc_provider.portal_settings("jwt", "portal-jwt"),
        "expired": oidc_provider.portal_settings("expired", "portal-expired"),
        "tampered": oidc_provider.portal_settings("tampered", "portal-tampered"),
    }
    for group, role in (("ssa-analysts", "Analyst"), ("ssa-managers", "Manager"),
                        ("ssa-administrators", "Administrator")):
        GroupRoleMapping.objects.get_or_create(provider="", group=group, defaults={"role": role})
    return oidc_provider

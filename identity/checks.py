"""A system check (``manage.py check``, and every start) that each configured identity
provider has what it needs, so a typo fails at deploy time rather than at someone's sign-in."""
from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .providers import provider_get


@register()
def identity_providers_check(app_configs=None, **kwargs) -> list[Error]:
    """One error per provider in ``OIDC_PROVIDERS`` that lacks a setting or names a bad one."""
    errors = []
    for key in getattr(settings, "OIDC_PROVIDERS", {}):
        try:
            provider_get(key)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), hint=f"Set the OIDC_{key.upper()}_* variables (README, configuration).",
                                id="identity.E001"))
    return errors

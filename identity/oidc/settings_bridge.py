"""mozilla-django-oidc reads its ``OIDC_*`` settings through ``get_settings``; this answers
them from the provider of the sign-in in progress, and the rest from Django's settings."""
from __future__ import annotations

from mozilla_django_oidc.utils import import_from_settings

from ..providers import CLIENT_SECRET_BASIC, Provider

CALLBACK_URL_NAME = "oidc-callback"


def provider_setting(provider: Provider | None, attr: str, *default):
    """The value of the library setting ``attr`` for ``provider`` (None: before one is known)."""
    fixed = {
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        "OIDC_CREATE_USER": True,
        "OIDC_STORE_ID_TOKEN": True,  # the id_token_hint of RP-initiated logout
        "OIDC_TIMEOUT": 10,
        "OIDC_REDIRECT_FIELD_NAME": "next",
    }
    if attr in fixed:
        return fixed[attr]
    if provider is None:
        return default[0] if default else None
    per_provider = {
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SIGN_ALGO": provider.sign_algo,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_TOKEN_USE_BASIC_AUTH": provider.client_auth == CLIENT_SECRET_BASIC,
    }
    if attr in per_provider:
        return per_provider[attr]
    return import_from_settings(attr, *default)

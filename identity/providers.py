"""The configured OpenID Connect providers (``settings.OIDC_PROVIDERS``) and what the
portal learns from them at run time: their discovery document and their signing keys.

Both are cached (``DISCOVERY_CACHE_SECONDS``); the keys are fetched again at once when an
ID token names a key id the cached set lacks, so a provider's key rotation needs nothing
from us.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from .refusals import SignInRefused

CLIENT_SECRET_BASIC = "client_secret_basic"
CLIENT_SECRET_POST = "client_secret_post"
PRIVATE_KEY_JWT = "private_key_jwt"
CLIENT_AUTH_METHODS = (CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT)
DISCOVERY_CACHE_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Provider:
    """One agency's identity provider, as configured (see ssa_portal/settings/identity_providers.py)."""

    key: str
    name: str
    issuer: str
    client_id: str
    client_auth: str = CLIENT_SECRET_BASIC
    client_secret: str = ""
    private_key_file: str = ""
    private_key_id: str = ""
    scopes: str = "openid email profile"
    acr_values: str = ""
    piv_acr_values: tuple[str, ...] = ()
    acr_claim: str = "acr"
    agency_claim: str = ""
    agency_domains: dict = field(default_factory=dict)
    groups_claim: str = "groups"
    sign_algo: str = "RS256"

    def private_key(self) -> str:
        """PEM text of the key that signs ``private_key_jwt`` client assertions."""
        return Path(self.private_key_file).read_text()


def _provider_from_settings(key: str, values: dict) -> Provider:
    problems = [name for name in ("issuer", "client_id") if not values.get(name)]
    auth = values.get("client_auth", CLIENT_SECRET_BASIC)
    if auth not in CLIENT_AUTH_METHODS:
        problems.append(f"client_auth must be one of {', '.join(CLIENT_AUTH_METHODS)}")
    elif auth == PRIVATE_KEY_JWT and not values.get("private_key_file"):
        problems.append("private_key_file (private_key_jwt)")
    elif auth != PRIVATE_KEY_JWT and not values.get("client_secret"):
        problems.append("client_secret")
    if problems:
        raise ImproperlyConfigured(f"OpenID Connect provider {key!r} lacks: {'; '.join(problems)}")
    known = set(Provider.__dataclass_fields__) - {"key"}
    cleaned = {name: value for name, value in values.items() if name in known}
    cleaned["piv_acr_values"] = tuple(values.get("piv_acr_values", ()))
    cleaned["agency_domains"] = {d.lower(): code for d, code in dict(values.get("agency_domains", {})).items()}
    cleaned.setdefault("name", key)
    return Provider(key=key, **cleaned)


def providers_configured() -> list[Provider]:
    """Every configured provider, in settings order (empty: local sign-in only)."""
    return [_provider_from_settings(key, values) for key, values in getattr(settings, "OIDC_PROVIDERS", {}).items()]


def provider_get(key: str) -> Provider | None:
    """The provider named ``key``, or None when no such provider is configured."""
    values = getattr(settings, "OIDC_PROVIDERS", {}).get(key)
    return _provider_from_settings(key, values) if values is not None else None


def _fetch_json(url: str, provider: Provider) -> dict:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise SignInRefused(
            "provider_unreachable",
            f"{provider.name} cannot be reached just now ({type(exc).__name__}). Try again in a few minutes.",
            status=503,
        ) from exc


def provider_metadata(provider: Provider) -> dict:
    """The provider's discovery document (``/.well-known/openid-configuration``), cached.

    Raises SignInRefused (503) when the provider cannot be reached."""
    cache_key = f"identity:discovery:{provider.issuer}"
    metadata = cache.get(cache_key)
    if metadata is None:
        metadata = _fetch_json(provider.issuer.rstrip("/") + "/.well-known/openid-configuration", provider)
        cache.set(cache_key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def provider_signing_key(provider: Provider, *, key_id: str | None, algorithm: str) -> dict:
    """The JWK that signed a token (by ``kid`` and ``alg``) from the provider's JWKS.

    The key set is cached; a key id not in the cached set fetches it again once (the
    provider rotated its keys). Raises SignInRefused when no key matches."""
    cache_key = f"identity:jwks:{provider.issuer}"
    for refresh in (False, True):
        jwks = None if refresh else cache.get(cache_key)
        if jwks is None:
            jwks = _fetch_json(provider_metadata(provider)["jwks_uri"], provider)
            cache.set(cache_key, jwks, DISCOVERY_CACHE_SECONDS)
        for jwk in jwks.get("keys", []):
            if key_id is not None and jwk.get("kid") != key_id:
                continue
            if jwk.get("alg", algorithm) != algorithm or jwk.get("use", "sig") != "sig":
                continue
            return jwk
    raise SignInRefused("token_invalid", f"The sign-in token from {provider.name} is signed with a key "
                                         "the provider does not publish.", status=400)


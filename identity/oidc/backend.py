"""The authentication backend: mozilla-django-oidc's, for several providers.

What this subclass changes, and why:
- settings come from the provider of the sign-in in progress (``request.identity_provider``,
  set by the callback view), not from one global set;
- the token request authenticates as the provider is configured (``private_key_jwt`` too);
- the ID token's issuer, audience, expiry and issue time are checked (the library checks
  only the signature and the nonce) and the signing key comes from the cached JWKS, fetched
  again when the provider rotates its keys;
- the account comes from ``identity.services.provider_sign_in`` (just in time, agency,
  roles, acr/amr), and every refusal is a ``SignInRefused`` for the refusal page;
- a session of a deactivated user is no session (``get_user``).
"""
from __future__ import annotations

import jwt
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ..providers import Provider, provider_metadata, provider_signing_key
from ..refusals import SignInRefused
from ..services import provider_sign_in
from .settings_bridge import provider_setting
from .token_endpoint import TokenEndpointError, token_request

CLOCK_SKEW_SECONDS = 60


class ProviderBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs) -> None:
        # The provider is known only per sign-in (``authenticate``), not at construction.
        self.UserModel = get_user_model()
        self.provider: Provider | None = None
        self.token_info: dict = {}

    def get_settings(self, attr, *args):
        return provider_setting(self.provider, attr, *args)

    def authenticate(self, request, **kwargs):
        """Only for the callback of a provider sign-in; password sign-ins pass by."""
        provider = getattr(request, "identity_provider", None)
        if provider is None:
            return None
        self.provider = provider
        metadata = provider_metadata(provider)
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = provider.sign_algo
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:  # nonce or algorithm mismatch, unknown key
            raise SignInRefused("token_invalid", f"The sign-in token from {provider.name} failed its checks "
                                                 f"({exc}). Start again.", status=400) from exc
        except requests.RequestException as exc:  # the userinfo endpoint
            raise SignInRefused("provider_unreachable", f"{provider.name} did not answer as expected. "
                                                        "Try again in a few minutes.", status=503) from exc

    def get_token(self, payload: dict) -> dict:
        grant = {name: payload[name] for name in ("grant_type", "code", "redirect_uri", "code_verifier") if name in payload}
        try:
            self.token_info = token_request(self.provider, grant)
        except TokenEndpointError as exc:
            raise SignInRefused("provider_error", f"{self.provider.name} refused the sign-in code ({exc.error}). "
                                                  "Start the sign-in again.", status=400) from exc
        except requests.RequestException as exc:
            raise SignInRefused("provider_unreachable", f"{self.provider.name} cannot be reached just now. "
                                                        "Try again in a few minutes.", status=503) from exc
        return self.token_info

    def retrieve_matching_jwk(self, token: str):
        header = jwt.get_unverified_header(token)
        return jwt.PyJWK(provider_signing_key(self.provider, key_id=header.get("kid"), algorithm=header.get("alg")))

    def _verify_jws(self, payload: str, key) -> dict:
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.provider.sign_algo:
            raise SignInRefused("token_invalid", f"The sign-in token from {self.provider.name} is signed with "
                                                 f"{header.get('alg')!r}, not {self.provider.sign_algo}.", status=400)
        try:
            return jwt.decode(payload, key, algorithms=[self.provider.sign_algo], audience=self.provider.client_id,
                              issuer=self.provider.issuer, leeway=CLOCK_SKEW_SECONDS,
                              options={"require": ["iss", "aud", "sub", "exp", "iat"]})
        except jwt.ExpiredSignatureError as exc:
            raise SignInRefused("token_expired", f"The sign-in token from {self.provider.name} has expired. "
                                                 "Check this computer's clock, then start again.", status=400) from exc
        except jwt.PyJWTError as exc:  # signature, issuer, audience, missing claims
            raise SignInRefused("token_invalid", f"The sign-in token from {self.provider.name} failed its checks "
                                                 f"({exc}). Start again.", status=400) from exc

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict):
        userinfo = self.get_userinfo(access_token, id_token, payload) if self.OIDC_OP_USER_ENDPOINT else {}
        if userinfo.get("sub", payload["sub"]) != payload["sub"]:
            raise SignInRefused("token_invalid", "The provider's user information is about someone else.", status=400)
        claims = {**userinfo, **payload}  # the signed ID token wins (acr, amr, sub)
        return provider_sign_in(provider=self.provider, claims=claims,
                                refresh_token=self.token_info.get("refresh_token", ""))

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

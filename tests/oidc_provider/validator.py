"""What the test provider adds to django-oauth-toolkit's validator.

- Claims: ``email``, ``email_verified``, ``name``, ``groups`` (the user's Django groups,
  except ``agency:*`` and ``piv-card``), ``agency`` (from a group ``agency:<CODE>``),
  ``acr`` / ``amr`` (PIV/CAC level for members of group ``piv-card``, as Login.gov says it).
- ``private_key_jwt`` client authentication (RFC 7523), which DOT lacks: the assertion
  is checked against the client's public JWK from ``PROVIDER_CLIENT_KEYS``.
- A refresh token of a disabled (inactive) user is refused, as real providers do.
- Fault clients, so the portal's checks meet real bad tokens: client ``*-expired`` gets
  ID tokens that expired ten minutes ago, client ``*-tampered`` ID tokens whose payload
  was changed after signing.
"""
from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import jwt
from oauth2_provider.oauth2_validators import OAuth2Validator

PIV_ACR = "http://idmanagement.gov/ns/assurance/aal/3?hspd12=true"
PASSWORD_ACR = "http://idmanagement.gov/ns/assurance/aal/2"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _client_keys() -> dict:
    path = os.environ.get("PROVIDER_CLIENT_KEYS")
    return json.loads(Path(path).read_text()) if path else {}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ProviderValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim whatever the scopes: simpler for tests

    def get_additional_claims(self, request):
        names = set(request.user.groups.values_list("name", flat=True))
        piv = "piv-card" in names
        claims = {
            "email": request.user.email,
            "email_verified": True,
            "name": request.user.get_full_name() or request.user.username,
            "groups": sorted(n for n in names if n != "piv-card" and not n.startswith("agency:")),
            "acr": PIV_ACR if piv else PASSWORD_ACR,
            "amr": ["piv", "hwk"] if piv else ["pwd"],
        }
        agencies = [n.split(":", 1)[1] for n in names if n.startswith("agency:")]
        if agencies:
            claims["agency"] = agencies[0]
        return claims

    # --- private_key_jwt ---------------------------------------------------------------

    def authenticate_client(self, request, *args, **kwargs):
        body = dict(request.decoded_body or [])
        if body.get("client_assertion_type") != ASSERTION_TYPE:
            return super().authenticate_client(request, *args, **kwargs)
        assertion = body.get("client_assertion", "")
        issuer = os.environ["PROVIDER_ISSUER"]  # RFC 7523: the audience is the issuer or the token endpoint
        try:
            client_id = jwt.decode(assertion, options={"verify_signature": False})["iss"]
            key = jwt.PyJWK(_client_keys()[client_id])
            claims = jwt.decode(assertion, key, algorithms=["RS256"], audience=[issuer, issuer + "/token/"],
                                options={"require": ["iss", "sub", "aud", "exp", "jti"]})
        except (KeyError, jwt.PyJWTError):
            return False
        if claims["sub"] != client_id:
            return False
        if self._load_application(client_id, request) is None:
            return False
        request.client_id = client_id
        return True

    # --- disabled users ------------------------------------------------------------------

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return valid and request.user.is_active

    # --- fault clients -------------------------------------------------------------------

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if request.client.client_id.endswith("-expired"):
            now = int(time.time())
            claims.update(iat=now - 3600, exp=now - 600)
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        serialized = super().finalize_id_token(id_token, token, token_handler, request)
        if not request.client.client_id.endswith("-tampered"):
            return serialized
        header, payload, signature = serialized.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = sorted(set(claims.get("groups", [])) | {"ssa-administrators"})
        return ".".join([header, _b64(json.dumps(claims).encode()), signature])

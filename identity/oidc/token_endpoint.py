"""Calls to a provider's token endpoint with the client authentication it is configured
for: ``client_secret_basic``, ``client_secret_post`` or ``private_key_jwt`` (RFC 7523, a
short-lived JWT signed with the portal's key: what Login.gov requires)."""
from __future__ import annotations

import time
import uuid

import jwt
import requests

from ..providers import (
    CLIENT_SECRET_BASIC, HTTP_TIMEOUT_SECONDS, PRIVATE_KEY_JWT, Provider, provider_metadata,
)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 300


class TokenEndpointError(Exception):
    """The token endpoint answered with an error; ``error`` is its OAuth error code
    (``invalid_grant`` when a code or refresh token is no longer good)."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description


def client_assertion(provider: Provider, token_endpoint: str) -> str:
    """A ``private_key_jwt`` assertion: iss = sub = client id, aud = the token endpoint,
    five minutes of life, a unique jti; RS256 with the provider's configured key."""
    now = int(time.time())
    claims = {"iss": provider.client_id, "sub": provider.client_id, "aud": token_endpoint,
              "iat": now, "exp": now + ASSERTION_LIFETIME_SECONDS, "jti": uuid.uuid4().hex}
    headers = {"kid": provider.private_key_id} if provider.private_key_id else None
    return jwt.encode(claims, provider.private_key(), algorithm="RS256", headers=headers)


def token_request(provider: Provider, data: dict) -> dict:
    """POST ``data`` (grant parameters) to the provider's token endpoint, authenticated
    as configured; returns the JSON answer. Raises TokenEndpointError on an OAuth error
    answer and requests.RequestException when the provider cannot be reached."""
    endpoint = provider_metadata(provider)["token_endpoint"]
    data = {**data, "client_id": provider.client_id}
    auth = None
    if provider.client_auth == PRIVATE_KEY_JWT:
        data.update(client_assertion_type=ASSERTION_TYPE, client_assertion=client_assertion(provider, endpoint))
    elif provider.client_auth == CLIENT_SECRET_BASIC:
        auth = (provider.client_id, provider.client_secret)
    else:
        data["client_secret"] = provider.client_secret
    response = requests.post(endpoint, data=data, auth=auth, timeout=HTTP_TIMEOUT_SECONDS)
    if response.status_code != 200:
        try:
            body = response.json()
        except ValueError:
            body = {}
        raise TokenEndpointError(str(body.get("error") or f"HTTP {response.status_code}"),
                                 str(body.get("error_description") or ""))
    return response.json()

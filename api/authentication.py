"""How API clients authenticate: knox tokens (``Authorization: Token <key>``), each use
recorded for the token page's "Last used" column (``api.tokens.api_token_use_record``:
one conditional statement a request, a write at most once a minute per token)."""
from __future__ import annotations

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth as knox_auth
from knox.models import AuthToken

from .tokens import api_token_use_record


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token authentication; a token that authenticates an active user is recorded
    as used (a refused token, or one of an inactive user, is not)."""

    def validate_user(self, auth_token: AuthToken) -> tuple:
        user, token = super().validate_user(auth_token)
        api_token_use_record(token=token)
        return user, token


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of knox's class (``knoxApiToken``), for ours too."""

    target_class = "api.authentication.TokenAuthentication"

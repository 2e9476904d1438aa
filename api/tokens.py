"""Issuing API tokens: one entry point for the management command and the admin."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from knox.models import AuthToken

from programs.models import User

from .models import TokenGrant

MAX_TOKEN_DAYS = 366


@transaction.atomic
def api_token_revoke(*, grant: TokenGrant) -> None:
    """Delete the knox token (it stops working at once) and its grant."""
    AuthToken.objects.filter(digest=grant.token_digest).delete()
    grant.delete()


@transaction.atomic
def api_token_issue(
    *, user: User, label: str, days: int = 90, can_write: bool = False, issued_by: User | None = None
) -> tuple[TokenGrant, str]:
    """Create a knox token for ``user`` expiring after ``days``; returns the grant and the
    clear-text token, which is shown once and never stored (knox keeps only its hash)."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": f"A token lives between 1 and {MAX_TOKEN_DAYS} days."})
    if not (label or "").strip():
        raise ValidationError({"label": "Name the system that will hold this token."})
    if not user.is_active:
        raise ValidationError({"user": f"User {user.username} is inactive."})
    token, clear_text = AuthToken.objects.create(user=user, expiry=dt.timedelta(days=days))
    grant = TokenGrant(
        token_digest=token.digest, user=user, label=label.strip(), can_write=can_write,
        expires_at=token.expiry, issued_by=issued_by,
    )
    grant.full_clean()
    grant.save()
    return grant, clear_text


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Delete every knox token of ``user`` (they stop working at once) and their grants;
    returns how many tokens there were."""
    TokenGrant.objects.filter(user=user).delete()
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted

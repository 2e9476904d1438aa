"""API tokens: who may hold them, issuing and revoking. One entry point for the portal's
token page, the management command, the Django admin and the identity services.

Every signed-in, active user may hold read-only tokens for themselves (every signed-in
user reads everything: docs/access-control.md). A token granted write is for users whose
role writes (analyst, manager, administrator); the services still apply that user's own
rights to every write. Administrators may see and revoke anyone's tokens.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken

from programs.models import User
from programs.permissions import is_administrator, role_names
from ssa_portal.security.audit import security_event

from .models import TokenGrant

MAX_TOKEN_DAYS = 366
DEFAULT_TOKEN_DAYS = 90
# The lifetimes offered on the token page (the command takes any number of days up to the maximum).
TOKEN_DAY_CHOICES = (7, 30, 90, 180, MAX_TOKEN_DAYS)


def may_hold_api_token(user) -> bool:
    """Whether ``user`` may hold (and issue for themselves) read-only API tokens."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def may_hold_write_token(user) -> bool:
    """Whether ``user`` may hold a token granted write: a user whose portal role writes."""
    return may_hold_api_token(user) and bool(role_names(user))


def may_manage_all_tokens(user) -> bool:
    """Administrators see and revoke every user's tokens."""
    return is_administrator(user)


def _actor_name(actor: User | None) -> str:
    return actor.get_username() if actor is not None else "manage.py"


@transaction.atomic
def api_token_issue(
    *, user: User, label: str, days: int = DEFAULT_TOKEN_DAYS, can_write: bool = False,
    issued_by: User | None = None, request: HttpRequest | None = None,
) -> tuple[TokenGrant, str]:
    """Create a knox token for ``user`` expiring after ``days``; returns the grant and the
    clear-text token, which is shown once and never stored (knox keeps only its hash).

    ``issued_by`` is who asked (the user themselves on the token page; ``None`` for the
    management command); ``request`` only gives the security log its client address."""
    label = (label or "").strip()
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": f"A token lives between 1 and {MAX_TOKEN_DAYS} days."})
    if not label:
        raise ValidationError({"label": "Name the system that will hold this token."})
    if len(label) > TokenGrant._meta.get_field("label").max_length:
        raise ValidationError({"label": "A token's name is at most 120 characters long."})
    if not user.is_active:
        raise ValidationError({"user": f"User {user.username} is inactive."})
    if can_write and not may_hold_write_token(user):
        raise ValidationError({"can_write": f"User {user.username} has no role that writes: read-only tokens only."})
    token, clear_text = AuthToken.objects.create(user=user, expiry=dt.timedelta(days=days))
    grant = TokenGrant(
        token_digest=token.digest, user=user, label=label, can_write=can_write,
        expires_at=token.expiry, issued_by=issued_by,
    )
    grant.full_clean()
    grant.save()
    security_event("api_token_issued", request=request, user=_actor_name(issued_by), holder=user.get_username(),
                   token=grant.pk, label=label, scope="write" if can_write else "read",
                   expires=grant.expires_at.strftime("%Y-%m-%dT%H:%MZ"))
    return grant, clear_text


@transaction.atomic
def api_token_revoke(*, grant: TokenGrant, actor: User | None, request: HttpRequest | None = None) -> None:
    """Delete the knox token (it stops working at once) and its grant. Its holder or an
    administrator may revoke it (``actor=None``: the system, e.g. the management shell)."""
    if actor is not None and actor.pk != grant.user_id and not may_manage_all_tokens(actor):
        raise PermissionDenied("Only the token's holder or an administrator may revoke it.")
    security_event("api_token_revoked", request=request, user=_actor_name(actor), holder=grant.user.get_username(),
                   token=grant.pk, label=grant.label)
    AuthToken.objects.filter(digest=grant.token_digest).delete()
    grant.delete()


def api_token_make_read_only(*, grant: TokenGrant, actor: User, request: HttpRequest | None = None) -> bool:
    """Withdraw a token's write access (administrators); logged (``api_token_made_read_only``).
    Returns False when it was read-only already (nothing changes, nothing is logged)."""
    if not may_manage_all_tokens(actor):
        raise PermissionDenied("Only an administrator may withdraw another user's write access.")
    if not grant.can_write:
        return False
    grant.can_write = False
    grant.save(update_fields=["can_write"])
    security_event("api_token_made_read_only", request=request, user=_actor_name(actor),
                   holder=grant.user.get_username(), token=grant.pk, label=grant.label)
    return True


# A token's last use is recorded to this precision: at most one write a minute per token.
LAST_USE_PRECISION = dt.timedelta(minutes=1)


def api_token_use_record(*, token: AuthToken, now: dt.datetime | None = None) -> bool:
    """Record that ``token`` just authenticated an API request (its grant's ``last_used_at``)
    unless that was recorded less than ``LAST_USE_PRECISION`` ago. One conditional
    ``UPDATE ... WHERE last_used_at IS NULL OR last_used_at < now - 1 minute`` by the
    grant's unique digest: a statement on every token request, a row written at most once
    a minute per token, and concurrent requests cannot both write. Returns whether it wrote.
    Called by ``api.authentication.TokenAuthentication``; ``now`` is for tests."""
    now = now or timezone.now()
    written = TokenGrant.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USE_PRECISION), token_digest=token.digest,
    ).update(last_used_at=now)
    return bool(written)


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Delete every knox token of ``user`` (they stop working at once) and their grants;
    returns how many tokens there were."""
    TokenGrant.objects.filter(user=user).delete()
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted

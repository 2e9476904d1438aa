"""Reads of API tokens for the portal's token page."""
from __future__ import annotations

from django.db.models import QuerySet

from programs.models import User

from .models import TokenGrant
from .tokens import may_manage_all_tokens


def token_grants_visible(*, viewer: User, holder_id: int | None = None) -> QuerySet[TokenGrant]:
    """The grants ``viewer`` may see and revoke: their own, or (administrators) everyone's,
    optionally only those of the user ``holder_id``; newest first, holders joined (one query
    per page however many rows)."""
    grants = TokenGrant.objects.select_related("user", "issued_by").order_by("-issued_at", "-pk")
    if not may_manage_all_tokens(viewer):
        return grants.filter(user=viewer)
    if holder_id is not None:
        grants = grants.filter(user_id=holder_id)
    return grants


def token_holders(*, viewer: User) -> QuerySet[User]:
    """Users who hold at least one token, for the administrators' filter (empty for others)."""
    if not may_manage_all_tokens(viewer):
        return User.objects.none()
    return User.objects.filter(api_grants__isnull=False).distinct().order_by("username")

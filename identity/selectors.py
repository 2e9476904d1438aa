"""Reads of the identity app: the sign-in policy, role mappings, dormant accounts."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from programs.models import User
from programs.permissions import is_administrator

from .models import GroupRoleMapping, SignInPolicy

DORMANT_AFTER_DAYS = 90


def sign_in_policy_get() -> SignInPolicy:
    """The administrators' sign-in switches: the saved row, or the defaults while nobody
    has saved it (``SingleRow.current``: a read never writes, so every page, which reads
    it for the "Change password" link, costs one query whether or not the row exists)."""
    return SignInPolicy.current()


def local_password_sign_in_allowed(user: User) -> bool:
    """Whether ``user`` may sign in with a local password.

    Break-glass administrators (group Administrator or superuser, with their TOTP second
    factor) always may; everyone else only while both the ``LOCAL_PASSWORD_SIGN_IN``
    setting and the administrators' switch (``SignInPolicy.local_password_sign_in``) allow it."""
    if is_administrator(user):
        return True
    return local_password_sign_in_for_everyone()


def password_change_available(user: User) -> bool:
    """Whether ``user`` can change their password in the portal: they have one (accounts
    made at an identity provider's first sign-in have none) and may sign in with it
    (:func:`local_password_sign_in_allowed`). The "Change password" link and page follow it."""
    return user.is_authenticated and user.has_usable_password() and local_password_sign_in_allowed(user)


def local_password_sign_in_for_everyone() -> bool:
    """Both the ``LOCAL_PASSWORD_SIGN_IN`` setting and the administrators' switch allow
    everyone a password sign-in (else only break-glass administrators)."""
    return bool(getattr(settings, "LOCAL_PASSWORD_SIGN_IN", True)) and sign_in_policy_get().local_password_sign_in


def role_mappings_for(provider_key: str) -> list[tuple[str, str]]:
    """(group, role) pairs that apply to ``provider_key`` (its own and the any-provider ones)."""
    return list(GroupRoleMapping.objects.filter(Q(provider="") | Q(provider=provider_key))
                .values_list("group", "role"))


def accounts_not_seen(*, days: int = DORMANT_AFTER_DAYS, now: dt.datetime | None = None) -> QuerySet[User]:
    """Active accounts with no sign-in for ``days`` days (never signed in: counted from
    when the account was made), the longest unseen first; with agency and roles loaded."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .select_related("agency")
        .prefetch_related("groups", "provider_accounts")
        .order_by("last_login", "date_joined", "username")
    )

"""Reads of the inbox and of a user's notification preferences."""
from __future__ import annotations

from django.db.models import QuerySet

from .models import DEFAULT_DELIVERY, Notification, NotificationKind, NotificationPreference


def inbox(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    rows = Notification.objects.filter(recipient=user)
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preferences_of(user) -> dict[str, str]:
    """kind -> the e-mail delivery the user chose (default where unset), every kind."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, DEFAULT_DELIVERY[kind]) for kind in NotificationKind.values}

"""The portal's roles as Django groups: they exist after every ``migrate``, before any
user or demo data (a fresh set-up can assign roles at once)."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from ..permissions import ROLES


def roles_ensure() -> dict[str, Group]:
    """Create the Analyst, Manager and Administrator groups if missing; returns them by name."""
    existing = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    missing = [Group(name=name) for name in ROLES if name not in existing]
    for group in Group.objects.bulk_create(missing):
        existing[group.name] = group
    return existing


def roles_ensure_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver (connected in ProgramsConfig.ready)."""
    if using == "default":
        roles_ensure()

"""The one hard delete: an administrator's purge of a record (and what cascades from it),
for data that must not be kept (entered by mistake with personal data, a test record in
production). Ordinary users archive; the admin cannot delete (admin_protection).

Who, what and why go to the security log (``event=purge``) and to the history: the
deletion rows of the record and of everything deleted with it name the administrator (as
``history_user`` on the record, and as the system actor "purge by <name>" on all of them)
and carry the reason.
"""
from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from .history import acting_as, with_rationale
from .models import RationaleCategory


@transaction.atomic
def record_purge(*, administrator: Any, record: models.Model, reason: str) -> dict[str, int]:
    """Delete ``record`` for good. ``administrator`` must be an active superuser; ``reason``
    is required. Returns the number of rows deleted per model label (Django's count).

    Raises PermissionDenied (not a superuser) or ValidationError (no reason; rows that
    protect the record, named).
    """
    from ssa_portal.security.audit import security_event

    if not (getattr(administrator, "is_active", False) and getattr(administrator, "is_superuser", False)):
        raise PermissionDenied("Only an active superuser (administrator) may purge records.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why this record is purged instead of archived."})
    label = f"{record._meta.label}#{record.pk}"
    description = str(record)
    with_rationale(record, RationaleCategory.OTHER, f"purged: {reason}")
    record._history_user = administrator
    try:
        with acting_as(f"purge by {administrator.get_username()}"):
            _, counts = record.delete()
    except ProtectedError as exc:
        blocking = sorted({f"{o._meta.verbose_name} '{o}'" for o in list(exc.protected_objects)[:10]})
        raise ValidationError(
            {"record": f"{label} is still referenced by {', '.join(blocking)}; purge or archive those first."}
        ) from exc
    security_event(
        "purge", request=None, user=administrator.get_username(), level=logging.WARNING,
        record=label, description=description, reason=reason, rows=sum(counts.values()),
    )
    return counts

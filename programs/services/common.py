"""Shared write steps: validate-and-save with history rationale, version checks."""
from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from ..history import with_rationale
from ..models import RationaleCategory
from .errors import StaleVersionError


def validated_save(
    instance: models.Model,
    *,
    user: Any = None,
    rationale_category: str = "",
    rationale: str = "",
    exclude: list[str] | None = None,
) -> models.Model:
    """full_clean() then save, so every path reports field-named errors; a constraint the
    clean missed (a race) surfaces as ValidationError, never a 500."""
    instance.full_clean(exclude=exclude)
    with_rationale(instance, rationale_category, rationale)
    if user is not None:
        instance._history_user = user  # history without a request (API, importer, tasks)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(f"This change conflicts with existing data: {exc.__cause__ or exc}") from exc
    return instance


def check_version(record: models.Model, expected: int | None) -> None:
    """Refuse a stale save: ``expected`` is the version the user read (None skips the
    check, for internal callers). Call after locking the row (select_for_update)."""
    if expected is None or int(expected) == record.version:
        return
    changes: list[dict[str, Any]] = []
    editors: list[str] = []
    history = getattr(record, "history", None)
    if history is not None:
        for entry in history.filter(version__gt=expected).select_related("history_user").order_by("history_date"):
            if entry.history_user:
                editors.append(entry.history_user.username)
            previous = entry.prev_record
            if previous is None:
                continue
            for change in entry.diff_against(previous).changes:
                if change.field in ("version", "updated_at"):
                    continue
                changes.append(
                    {
                        "field": change.field,
                        "old": change.old,
                        "new": change.new,
                        "by": entry.history_user.username if entry.history_user else "",
                        "at": entry.history_date,
                    }
                )
    raise StaleVersionError(record=record, expected=expected, current=record.version, changes=changes, editors=editors)


def require_rationale(category: str, text: str) -> None:
    """Edits of approved data need a rationale: a category from the list plus free text."""
    errors = {}
    if category not in RationaleCategory.values:
        errors["rationale_category"] = "Choose why this approved data is changing."
    if not (text or "").strip():
        errors["rationale"] = "Explain the change to approved data."
    if errors:
        raise ValidationError(errors)

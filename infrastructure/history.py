"""Change history: attaching a rationale to a save, and reading field-level diffs."""
from __future__ import annotations

from typing import Any

from django.db import models


def with_rationale(instance: models.Model, category: str = "", text: str = "") -> models.Model:
    """Mark ``instance`` so that its next historical record carries this rationale."""
    instance._rationale_category = category
    instance._change_reason = text
    return instance


def copy_rationale_to_history(sender, instance, history_instance, **kwargs: Any) -> None:
    """simple-history signal: copy the rationale category onto the historical record."""
    history_instance.rationale_category = getattr(instance, "_rationale_category", "") or ""


def field_changes(record) -> list[dict[str, Any]]:
    """Field-level diff of one historical record against the record before it."""
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]

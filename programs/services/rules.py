"""The write rules every write service applies, as small functions over already-loaded
objects: no query of their own (when the parents named below are loaded, e.g. with
``select_related``), so the importer can apply the same definitions row by row in bulk.

- :func:`ensure_writable`: archived records, and everything under them, are read-only.
- :func:`ensure_four_eyes`: whoever last changed the content may not approve it.
- The version rule is ``infrastructure.versioning.version_conflict`` /
  ``check_version`` (a write names the version it read; none means "expected absent").
"""
from __future__ import annotations

from django.db import models

from infrastructure.conflicts import StateConflict

# Model name -> the foreign key to the record it belongs to: archiving the parent makes
# the child read-only too (program -> funding / MOE -> target / measurement -> breakdown).
PARENT_FIELD: dict[str, str] = {
    "Funding": "program",
    "MeasureOfEffectiveness": "program",
    "Target": "moe",
    "DisaggregationCategory": "moe",
    "Measurement": "moe",
    "MeasurementDisaggregation": "measurement",
    "ProgramReview": "program",
    "Objective": "strategy",
    "Vetting": "institution",
    "Evaluation": "program",
}


def archived_ancestor(record: models.Model) -> models.Model | None:
    """The record itself or the nearest parent that is archived, else None.

    Reads the parents through their foreign keys: load them with the record
    (``select_related``) and this issues no query.
    """
    current: models.Model | None = record
    while current is not None:
        if getattr(current, "archived_at", None) is not None:
            return current
        parent_field = PARENT_FIELD.get(type(current).__name__)
        current = getattr(current, parent_field, None) if parent_field else None
    return None


def ensure_writable(record: models.Model) -> None:
    """Refuse any write to an archived record or to a record under an archived parent.

    Raises a non-field StateConflict (API 409 ``state_conflict``: the stored record's
    state decides; a form's non-field error, an import row error) naming the archived record.
    """
    archived = archived_ancestor(record)
    if archived is None:
        return
    noun = f"{archived._meta.verbose_name} '{archived}'"
    where = "is archived" if archived is record else f"belongs to {noun}, which is archived"
    subject = f"{noun[0].upper()}{noun[1:]} is archived" if archived is record else f"This {record._meta.verbose_name} {where}"
    raise StateConflict(
        f"{subject}: archived records are read-only. Nothing was saved; a manager must restore it first.",
        code="archived",
    )


def ensure_four_eyes(*, approver_id: int, last_author_id: int | None, noun: str) -> None:
    """Refuse an approval by whoever last changed the content (value, source, breakdown,
    scores, ...) of the record being approved; ``noun`` names it in the message.
    StateConflict (API 409): the stored last author decides."""
    if last_author_id is not None and last_author_id == approver_id:
        raise StateConflict(
            {"__all__": f"You last changed the content of this {noun}, so another manager must approve it (four eyes)."},
            code="four_eyes",
        )

"""Change history: attaching a rationale and an author to a save, and reading field-level
diffs.

Every historical record names its author: ``history_user`` when a person acted, or
``history_actor``, a named system actor ("import job 12", "scheduled recompute"), when
code acted without one (importer, tasks, commands). Set the actor for a block of work with
:func:`acting_as`, or for one save with ``validated_save(..., actor=...)``.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

_actor: ContextVar[str] = ContextVar("history_actor", default="")


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Name the system actor of every historical record written inside the block."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    """The system actor set by :func:`acting_as` ("" outside any)."""
    return _actor.get()


def with_rationale(instance: models.Model, category: str = "", text: str = "") -> models.Model:
    """Mark ``instance`` so that its next historical record carries this rationale."""
    instance._rationale_category = category
    instance._change_reason = text
    return instance


def copy_rationale_to_history(sender, instance, history_instance, **kwargs: Any) -> None:
    """simple-history signal: copy the rationale category and the system actor (the one
    set on the instance, else the one of :func:`acting_as`) onto the historical record."""
    history_instance.rationale_category = getattr(instance, "_rationale_category", "") or ""
    history_instance.history_actor = (getattr(instance, "_history_actor", "") or current_actor())[:100]


def field_changes(record) -> list[dict[str, Any]]:
    """Field-level diff of one historical record against the record before it."""
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]

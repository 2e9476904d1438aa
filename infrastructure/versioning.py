"""Optimistic locking: every editable record carries a ``version``; a write names the
version its writer read, and a missing or stale one is refused with what changed meanwhile.

The rule (docs/concurrency.md):

- a write to an existing row must carry the version the writer read;
- a write that creates a row carries "expected absent": ``None`` (omitted) or ``0``;
- so a missing version over an existing row is refused like a stale one: someone else
  created or changed the row after the writer looked, or the writer forgot the field
  (HTTP 409 naming the field ``version`` and the current version: api.errors; a conflict
  page; an import row error).

:func:`version_conflict` is the rule itself: it takes already-loaded objects and issues no
query, so bulk writers (the importer) can call it per row. :func:`check_version` raises
:class:`StaleVersionError` and, unless told not to, reads the history to say who changed
what.
"""
from __future__ import annotations

from typing import Any

from django.db import models

from .conflicts import StateConflict

EXPECTED_ABSENT = 0  # the version a writer names when it expects to create the row


class StaleVersionError(Exception):
    """A write named a version other than the stored one (or none, over an existing row):
    someone else saved meanwhile.

    ``changes`` lists what changed since the version the user read (field, old, new, by,
    at), so the page can show it; HTTP 409 in the API. ``expected`` is None when the writer
    sent no version.
    """

    def __init__(
        self, *, record: Any, expected: int | None, current: int, changes: list[dict[str, Any]],
        editors: list[str] | None = None, stored_label: str | None = None,
    ):
        self.record = record
        self.expected = expected
        self.current = current
        self.changes = changes
        # Who saved meanwhile: from the history entries, even those whose changes are in
        # related rows (an assessment's criterion scores) rather than in the record itself.
        names = set(editors or []) | {c["by"] for c in changes if c.get("by")}
        self.editors = sorted(n for n in names if n)
        # Named only when the history says who; never guessed ("another user" may be the writer).
        who = ", ".join(self.editors)
        # ``stored_label`` is the record as stored: ``record`` may hold the writer's unsaved
        # values (a new title), which must not be shown as what exists.
        self.noun = noun = f"{record._meta.verbose_name.capitalize()} '{stored_label if stored_label is not None else record}'"
        self.who = who
        if not expected:
            message = (
                f"{noun} already exists (version {current}{f', saved by {who}' if who else ''}). Nothing was saved; "
                "reload it, review it and send the version you read with your change."
            )
        else:
            message = (
                f"{noun} was changed{f' by {who}' if who else ''} after you opened it (your version {expected}, now "
                f"{current}). Nothing was saved; review the changes and apply yours again."
            )
        super().__init__(message)


def version_conflict(record: models.Model | None, expected: int | None) -> bool:
    """True when a write naming ``expected`` must be refused.

    ``record`` is the stored row as loaded (None when there is none); ``expected`` is the
    version the writer read, ``None`` or ``0`` meaning "expected absent". Pure: no query.
    """
    stored = record.version if record is not None else EXPECTED_ABSENT
    return int(expected or EXPECTED_ABSENT) != stored


def check_version(record: models.Model | None, expected: int | None, *, describe: bool = True) -> None:
    """Refuse a missing or stale version (StaleVersionError). Call after locking the row
    (select_for_update). ``record`` None (no stored row) accepts only "expected absent";
    a version named for a row that does not exist is a StateConflict (409) on ``version``.

    With ``describe`` the error lists who changed what since ``expected`` (a query on the
    history); bulk callers pass ``describe=False`` to issue none.
    """
    if not version_conflict(record, expected):
        return
    if record is None:  # stored state decides (the row may have been deleted): 409
        raise StateConflict(
            {"version": f"There is no stored row at version {expected}; send no version (or 0) to create it."}
        )
    changes: list[dict[str, Any]] = []
    editors: list[str] = []
    stored_label: str | None = None
    history = getattr(record, "history", None) if describe else None
    if history is not None and not expected:
        # No version sent: name who saved the row last; its whole history is not "changes since".
        last = history.select_related("history_user").order_by("-history_date").first()
        if last is not None:
            editors.append(last.history_author)
            stored_label = str(last.instance)
    elif history is not None:
        for entry in history.filter(version__gt=expected).select_related("history_user").order_by("history_date"):
            author = entry.history_author
            editors.append(author)
            stored_label = str(entry.instance)
            previous = entry.prev_record
            if previous is None:
                continue
            for change in entry.diff_against(previous).changes:
                if change.field in ("version", "updated_at"):
                    continue
                changes.append(
                    {"field": change.field, "old": change.old, "new": change.new, "by": author, "at": entry.history_date}
                )
    raise StaleVersionError(
        record=record, expected=expected, current=record.version, changes=changes, editors=editors,
        stored_label=stored_label,
    )


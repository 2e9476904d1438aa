"""Optimistic locking: every editable record carries a ``version``; a save names the
version its writer read, and a stale one is refused with what changed meanwhile."""
from __future__ import annotations

from typing import Any

from django.db import models


class StaleVersionError(Exception):
    """A save named a version older than the stored one: someone else saved meanwhile.

    ``changes`` lists what changed since the version the user read (field, theirs, ours),
    so the page can show it; HTTP 409 in the API.
    """

    def __init__(
        self, *, record: Any, expected: int | None, current: int, changes: list[dict[str, Any]],
        editors: list[str] | None = None,
    ):
        self.record = record
        self.expected = expected
        self.current = current
        self.changes = changes
        # Who saved meanwhile: from the history entries, even those whose changes are in
        # related rows (an assessment's criterion scores) rather than in the record itself.
        names = set(editors or []) | {c["by"] for c in changes if c.get("by")}
        who = ", ".join(sorted(names)) or "another user"
        super().__init__(
            f"{record._meta.verbose_name.capitalize()} '{record}' was changed by {who} after you "
            f"opened it (your version {expected}, now {current}). Nothing was saved; review "
            "the changes and apply yours again."
        )

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

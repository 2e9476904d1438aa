"""Errors the services raise beyond ValidationError and PermissionDenied."""
from __future__ import annotations

from typing import Any


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

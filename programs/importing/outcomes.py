"""A row's outcome in an import report, and reading a row's cells with every error collected.

Outcomes: create, update, unchanged, error (with the column and the reason) or skipped
(totals rows). Shared by the per-table importers (programs.importing.program_rows,
programs.importing.rows).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from . import cells
from .reading import FormulaWithoutValue

CREATE, UPDATE, UNCHANGED, ERROR, SKIPPED = "create", "update", "unchanged", "error", "skipped"
OUTCOMES = (CREATE, UPDATE, UNCHANGED, ERROR, SKIPPED)
# The report's tiles: each outcome under its count ("12 to create", "7 with errors").
OUTCOME_TILES = ((CREATE, "to create"), (UPDATE, "to update"), (UNCHANGED, "unchanged"), (ERROR, "with errors"),
                 (SKIPPED, "skipped"))
FORM = "rationale (upload form)"


class RowErrors(Exception):
    """Raised inside a row when a cell or a check fails; carries (column, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{c}: {m}" for c, m in errors))
        self.errors = errors


@dataclass
class RowResult:
    table: str
    row: int
    kind: str
    key: str = ""
    outcome: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    note: str = ""
    # The versions of the records the row writes, as read (preview) and checked (confirm):
    # {"program": 3, "funding": None}; None means "did not exist".
    seen: dict[str, int | None] = field(default_factory=dict)

    def error(self, errors: list[tuple[str, str]]) -> None:
        """Mark the row failed with these (column, message) pairs (added to any it has)."""
        self.outcome = ERROR
        self.errors.extend({"column": c, "message": m} for c, m in errors)

    def as_dict(self) -> dict[str, Any]:
        """JSON for the job's report; NUL characters (which PostgreSQL's jsonb refuses)
        quoted from a cell are shown as U+FFFD."""
        return {
            "table": _printable(self.table), "row": self.row, "kind": self.kind, "key": _printable(self.key),
            "outcome": self.outcome, "note": _printable(self.note),
            "errors": [{"column": _printable(e["column"]), "message": _printable(e["message"])} for e in self.errors],
            **({"seen": self.seen} if self.seen else {}),
        }


def _printable(value: str) -> str:
    return str(value).replace("\x00", "\ufffd")


class RowReader:
    """Typed access to one row's cells; collects every cell error instead of stopping at one."""

    def __init__(self, cells_by_column: dict[str, object]):
        self.cells = cells_by_column
        self.errors: list[tuple[str, str]] = []

    def present(self, column: str) -> bool:
        return column in self.cells and not cells.is_blank(self.cells[column])

    def read(self, column: str, parse: Callable[[object], Any], *, required: bool = False) -> Any:
        value = self.cells.get(column)
        if isinstance(value, FormulaWithoutValue):
            self.errors.append((column, f"holds the formula {value.formula} with no computed value; "
                                        "recalculate and save the workbook, or paste values"))
            return None
        if cells.is_blank(value):
            if required:
                self.errors.append((column, "a value is required"))
            return None
        try:
            return parse(value)
        except cells.CellError as exc:
            self.errors.append((column, str(exc)))
            return None

    def fail_if_errors(self) -> None:
        if self.errors:
            raise RowErrors(self.errors)


# Service field -> import column, to name the column of a ValidationError.
FIELD_COLUMNS = {
    "funding": "fiscal_year", "start_fy": "start_fy", "end_fy": "end_fy", "targets": "period",
    "is_cumulative": "cumulative", "name": "moe_name", "rationale_category": FORM, "rationale": FORM,
    "baseline_value": "baseline_value", "baseline_date": "baseline_date",
}


def validation_errors(exc: ValidationError, *, default: str) -> list[tuple[str, str]]:
    """(column, message) pairs of a model's or a service's ValidationError: one message per
    field, the first (a huge amount breaks both the digits and the maximum validators; the
    reader needs one reason per cell)."""
    if hasattr(exc, "error_dict"):
        found = []
        for name, messages in exc.message_dict.items():
            column = FIELD_COLUMNS.get(name, default if name == "__all__" else name)
            if name in ("rationale_category", "rationale"):
                messages = [f"{m} Set the rationale category and text on the upload form." for m in messages]
            found.extend((column, m) for m in (messages if name == "__all__" else messages[:1]))
        return found
    return [(default, m) for m in exc.messages]




def outcome_of(*, changed: bool, added: bool) -> str:
    """A row that only adds a record (a new funding year, a new target) creates; one that
    alters an existing record updates; one that does neither is unchanged."""
    if changed:
        return UPDATE
    return CREATE if added else UNCHANGED


def sentence(notes: list[str]) -> str:
    text = "; ".join(notes)
    return text[:1].upper() + text[1:]


def summarise(results: Iterable[RowResult]) -> dict[str, int]:
    summary = dict.fromkeys(OUTCOMES, 0)
    for result in results:
        summary[result.outcome] = summary.get(result.outcome, 0) + 1
    return summary

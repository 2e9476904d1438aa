"""Importing the rows of one file, reporting every row.

Each row is read cell by cell (programs.importing.cells) and checked against earlier rows
of the same file (duplicates, conflicting repeats). Each kind of table is then checked
and written in bulk, with the rule functions the services use and a constant number of
queries per table: programs and funding (programs.importing.program_rows), MOEs and
targets (moe_rows), measurements (measurement_rows). Every row gets its outcome: create,
update, unchanged, error (with the column and the reason) or skipped (totals rows).

The caller (programs.importing.services) runs the whole file in one transaction and
rolls it back for a preview or when any row failed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import DatabaseError, IntegrityError, transaction

from infrastructure.constraints import integrity_error_explained

from ..models import Agency, Goal, Program, Sector, User
from ..signals import program_data_announce
from . import cells
from .columns import KINDS, MEASUREMENTS, MOES, PROGRAMS, TableKind, recognise
from .countries import CountryMatcher
from .measurement_rows import MeasurementTable
from .moe_rows import MoeTable
from .outcomes import ERROR, SKIPPED, RowErrors, RowResult, validation_errors
from .program_rows import ProgramTable
from .reading import Table
from .writing import HistoryAuthor

INSTRUCTION_SHEETS = {"instructions", "read me", "readme", "notes"}


def is_instruction_sheet(name: str) -> bool:
    """A sheet people read (the template's "Instructions"), never imported or counted."""
    return name.strip().lower() in INSTRUCTION_SHEETS


class ImportRun:
    """One pass over a file's tables (the caller owns the transaction): each kind of table
    read row by row, then checked and written in bulk, programs before MOEs before
    measurements."""

    def __init__(
        self,
        *,
        user: User,
        author: HistoryAuthor,
        rationale_category: str = "",
        rationale: str = "",
        progress: Callable[[int, int], None] | None = None,
        seen: dict[tuple[str, int], dict] | None = None,
    ):
        """``author`` names the history of bulk writes; ``seen`` (a confirm) holds the record
        versions each row's preview saw, keyed by (table, row); ``progress(done, total)``
        is told of rows done."""
        self.user = user
        self.author = author
        self.rationale_category = rationale_category
        self.rationale = rationale
        self.progress = progress
        self.seen = seen
        self.countries = CountryMatcher()
        self.agencies = {a.code.upper(): a for a in Agency.objects.only("pk", "code")}
        self.goals = {g.code.lower(): g for g in Goal.objects.only("pk", "code")}
        self.sectors = {s.dac_code: s for s in Sector.objects.only("pk", "dac_code")}
        self.results: list[RowResult] = []
        self._first_row: dict[tuple, tuple[int, dict[str, object]]] = {}
        self._seen_keys: dict[tuple, int] = {}
        self._done = 0
        self._total = 0

    # --- the file -------------------------------------------------------------------

    def run(self, tables: Iterable[Table]) -> list[RowResult]:
        """Every row's result, in processing order (programs, then MOEs, then measurements)."""
        recognised = []
        for order, table in enumerate(tables):
            if is_instruction_sheet(table.name):
                continue
            kind, mapping, header_errors, ignored = recognise(table.headers)
            if header_errors or kind is None:
                result = RowResult(table=table.name, row=table.header_row, kind=kind.key if kind else "", outcome=ERROR)
                result.errors = [{"column": c or "(header row)", "message": m} for c, m in header_errors]
                result.note = "Header row"
                self.results.append(result)
                continue
            if ignored:
                self.results.append(RowResult(
                    table=table.name, row=table.header_row, kind=kind.key, outcome=SKIPPED, key="(header row)",
                    note=f"Columns not in the template, ignored (an import does not change them): {', '.join(ignored)}",
                ))
            recognised.append((KINDS.index(kind), order, kind, mapping, table))
        self._total = sum(len(t.rows) for *_, t in recognised)
        importers = {
            PROGRAMS.key: ProgramTable(self, seen=self.seen),
            MOES.key: MoeTable(self, seen=self.seen),
            MEASUREMENTS.key: MeasurementTable(self, seen=self.seen),
        }
        pending: tuple[TableKind, list] | None = None
        for _, _, kind, mapping, table in sorted(recognised, key=lambda item: item[:2]):
            if pending is not None and pending[0] is not kind:
                self._import(importers[pending[0].key], pending[1])
                pending = None
            if pending is None:
                pending = (kind, [])
            importer = importers[kind.key]
            for number, row_cells in table.rows:
                by_column = {name: row_cells[i] if i < len(row_cells) else None for i, name in mapping.items()}
                result = RowResult(table=table.name, row=number, kind=kind.key)
                self.results.append(result)
                if not self._totals_row(result, by_column):
                    try:
                        pending[1].append(importer.read_row(result, number, by_column))
                    except RowErrors as exc:
                        result.error(exc.errors)
                self._tick(1)
        if pending is not None:
            self._import(importers[pending[0].key], pending[1])
        return self.results

    def _tick(self, rows: int) -> None:
        self._done += rows
        if self.progress and (self._done % 25 == 0 or self._done == self._total):
            self.progress(self._done, self._total)

    def _import(self, table: ProgramTable | MoeTable | MeasurementTable, rows: list) -> None:
        """Check and write the rows of one kind read so far in bulk, and announce the
        programs whose data changed (batched by the caller into one rollup recompute); on
        a database error every one of them is an error row, never a 500 nor the
        database's text: a constraint the checks missed (a record another user saved
        while this file was written) on its column, in the words ``full_clean`` uses."""
        if not rows:
            return
        try:
            with transaction.atomic():
                program_data_announce(Program, table.import_rows(rows, self.author))
        except IntegrityError as exc:
            errors = validation_errors(integrity_error_explained(exc), default="(row)")
            errors = [(column, f"{message} (saved by someone else while this file was imported; "
                               "nothing was saved: preview the file again)") for column, message in errors]
            for row in rows:
                row.result.error(errors)
        except DatabaseError as exc:
            for row in rows:
                row.result.error([("(row)", f"could not be saved: the database refused it ({type(exc).__name__}); "
                                            "nothing was saved")])

    def _totals_row(self, result: RowResult, by_column: dict[str, object]) -> bool:
        label = next((v for v in by_column.values() if not cells.is_blank(v)), None)
        if cells.is_totals_label(label):
            result.outcome, result.note = SKIPPED, f"Totals row '{cells.text(label)}' ignored: the portal computes totals."
            return True
        return False

    # --- shared checks --------------------------------------------------------------

    def _continue_record(self, kind: TableKind, key: tuple, number: int, by_column: dict[str, object]) -> dict[str, object]:
        """Blank record columns on a repeat of a key take the first row's values; filled
        ones must agree with it (a conflicting repeat is an error, not a silent overwrite)."""
        first = self._first_row.get((kind.key, key))
        if first is None:
            self._first_row[(kind.key, key)] = (number, dict(by_column))
            return by_column
        first_number, first_cells = first
        record = [c for c in kind.record_columns if c in by_column or c in first_cells]
        if all(cells.is_blank(by_column.get(c)) for c in record):
            return {**by_column, **{c: first_cells.get(c) for c in record}}
        conflicts = [
            (c, f"'{cells.text(by_column.get(c))}' differs from row {first_number} "
                f"('{cells.text(first_cells.get(c))}') for the same record")
            for c in record
            if cells.text(by_column.get(c)) != cells.text(first_cells.get(c))
        ]
        if conflicts:
            raise RowErrors(conflicts)
        return by_column

    def _once(self, key: tuple, number: int, column: str, what: str) -> None:
        first = self._seen_keys.setdefault(key, number)
        if first != number:
            raise RowErrors([(column, f"duplicate row: {what} already appears on row {first}")])

    # --- cells of program rows (programs.importing.program_rows reads the rows) ---------

    def _agency(self, value: object) -> Agency:
        code = cells.text(value).upper()
        if code not in self.agencies:
            raise cells.CellError(f"'{cells.text(value)}' is not an agency code; use one of {', '.join(sorted(self.agencies))}")
        return self.agencies[code]

    def _countries(self, value: object) -> list:
        names = cells.split_list(value)
        found, problems = [], []
        for name in names:
            try:
                found.append(self.countries.match(name))
            except cells.CellError as exc:
                if "," in name and self._all_countries(name.split(",")):
                    problems.append(f"'{name}' lists several countries; separate them with ';' (commas appear inside names such as 'Korea, South')")
                else:
                    problems.append(str(exc))
        if problems:
            raise cells.CellError(" ".join(problems))
        return found

    def _all_countries(self, names: list[str]) -> bool:
        try:
            return all(self.countries.match(n) for n in names)
        except cells.CellError:
            return False

    def _goals(self, value: object) -> list:
        codes = cells.split_list(value)
        unknown = [c for c in codes if c.lower() not in self.goals]
        if unknown:
            raise cells.CellError(f"unknown goal code(s) {', '.join(unknown)}; use codes such as 1, 1.a, 4")
        return [self.goals[c.lower()] for c in codes]

    def _sectors(self, value: object) -> list:
        codes = [cells.text(c) for c in cells.split_list(value)]
        unknown = [c for c in codes if c not in self.sectors]
        if unknown:
            raise cells.CellError(f"unknown DAC sector code(s) {', '.join(unknown)}; use codes such as 15210")
        return [self.sectors[c] for c in codes]

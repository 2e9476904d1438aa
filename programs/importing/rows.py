"""Importing the rows of one file, reporting every row.

Each row is read cell by cell (programs.importing.cells) and checked against earlier rows
of the same file (duplicates, conflicting repeats). Program and funding rows are then
checked and written in bulk (programs.importing.program_rows); MOE and measurement rows
are written by the services the pages and the API use (moe_create / moe_update /
target_set, measurement_record), each inside its own savepoint so a failing row leaves no
trace while the rest of the file is still checked; their outcome is found by comparing
the records before and after the call: create, update, unchanged, error (with the column
and the reason) or skipped (totals rows).

The caller (programs.importing.services) runs the whole file in one transaction and
rolls it back for a preview or when any row failed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from .. import permissions
from ..models import (
    Agency,
    Direction,
    Frequency,
    Goal,
    MeasureOfEffectiveness,
    Measurement,
    MoeKind,
    Program,
    Sector,
    Target,
    User,
)
from infrastructure.versioning import StaleVersionError
from ..services.measures import measurement_record, moe_create, moe_update, target_set
from . import cells
from .columns import KINDS, MEASUREMENTS, MOES, PROGRAMS, TableKind, recognise
from .countries import CountryMatcher
from ..signals import program_data_announce
from .outcomes import (
    CREATE,
    ERROR,
    SKIPPED,
    UNCHANGED,
    UPDATE,
    RowErrors,
    RowReader,
    RowResult,
    outcome_of,
    sentence,
    validation_errors,
)
from .program_rows import STALE, ProgramRow, ProgramTable
from .reading import Table
from .writing import HistoryAuthor

INSTRUCTION_SHEETS = {"instructions", "read me", "readme", "notes"}


class ImportRun:
    """One pass over a file's tables (the caller owns the transaction): the program table
    in bulk (programs.importing.program_rows), MOE and measurement rows through the
    services, each in its own savepoint."""

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
            if table.name.strip().lower() in INSTRUCTION_SHEETS:
                continue
            kind, mapping, header_errors = recognise(table.headers)
            if header_errors or kind is None:
                result = RowResult(table=table.name, row=table.header_row, kind=kind.key if kind else "", outcome=ERROR)
                result.errors = [{"column": c or "(header row)", "message": m} for c, m in header_errors]
                result.note = "Header row"
                self.results.append(result)
                continue
            recognised.append((KINDS.index(kind), order, kind, mapping, table))
        self._total = sum(len(t.rows) for *_, t in recognised)
        program_table = ProgramTable(self, seen=self.seen)
        program_rows: list[ProgramRow] = []
        for _, _, kind, mapping, table in sorted(recognised, key=lambda item: item[:2]):
            if kind is not PROGRAMS and program_rows:
                self._import_programs(program_table, program_rows)
                program_rows = []
            for number, row_cells in table.rows:
                by_column = {name: row_cells[i] if i < len(row_cells) else None for i, name in mapping.items()}
                result = RowResult(table=table.name, row=number, kind=kind.key)
                self.results.append(result)
                if not self._totals_row(result, by_column):
                    if kind is PROGRAMS:
                        try:
                            program_rows.append(program_table.read_row(result, number, by_column))
                        except RowErrors as exc:
                            result.error(exc.errors)
                    else:
                        self._row(kind, result, number, by_column)
                self._tick(1)
        if program_rows:
            self._import_programs(program_table, program_rows)
        return self.results

    def _tick(self, rows: int) -> None:
        self._done += rows
        if self.progress and (self._done % 25 == 0 or self._done == self._total):
            self.progress(self._done, self._total)

    def _import_programs(self, table: ProgramTable, rows: list[ProgramRow]) -> None:
        """Check and write the program rows read so far in bulk; on a database error (a
        constraint the checks missed) every one of them is an error row, never a 500."""
        try:
            with transaction.atomic():
                program_data_announce(Program, table.import_rows(rows, self.author))
        except DatabaseError as exc:
            for row in rows:
                row.result.error([("(row)", f"could not be saved: {str(exc).splitlines()[0]}")])

    def _totals_row(self, result: RowResult, by_column: dict[str, object]) -> bool:
        label = next((v for v in by_column.values() if not cells.is_blank(v)), None)
        if cells.is_totals_label(label):
            result.outcome, result.note = SKIPPED, f"Totals row '{cells.text(label)}' ignored: the portal computes totals."
            return True
        return False

    def _row(self, kind: TableKind, result: RowResult, number: int, by_column: dict[str, object]) -> None:
        handler = {MOES.key: self._moe_row, MEASUREMENTS.key: self._measurement_row}[kind.key]
        try:
            with transaction.atomic():
                result.outcome, result.note = handler(result, number, by_column)
        except RowErrors as exc:
            result.error(exc.errors)
        except DatabaseError as exc:  # a constraint the checks above missed: report, never a 500
            result.error([("(row)", f"could not be saved: {str(exc).splitlines()[0]}")])

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

    def _call(self, service: Callable[..., Any], *, default: str, **kwargs: Any) -> Any:
        try:
            return service(user=self.user, **kwargs)
        except ValidationError as exc:
            raise RowErrors(validation_errors(exc, default=default)) from exc
        except PermissionDenied as exc:
            raise RowErrors([(default, str(exc))]) from exc
        except StaleVersionError as exc:  # changed between the row's read and its write
            raise RowErrors([(default, str(exc))]) from exc

    def _refuse_stale(self, result: RowResult, record: str, column: str, what: str) -> None:
        """At confirm: RowErrors if ``record`` of this row changed since the preview saw it
        (the versions the preview saw are in its report)."""
        if self.seen is None:
            return
        before = self.seen.get((result.table, result.row))
        if before is not None and before.get(record) != result.seen[record]:
            raise RowErrors([(column, f"{what} {STALE}")])

    def _editable_program(self, code: str, column: str) -> Program:
        program = Program.objects.select_related("lead_agency").filter(code__iexact=code).first()
        if program is None:
            raise RowErrors([(column, f"no program has the code '{code}'; import the program first or check the code")])
        if not permissions.can_edit_program(self.user, program):
            raise RowErrors([(column, f"program {program.code} is led by {program.lead_agency.code}; "
                                      "you may only import data of your own agency's programs")])
        return program

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

    # --- MOEs and targets -----------------------------------------------------------

    def _moe_row(self, result: RowResult, number: int, by_column: dict[str, object]) -> tuple[str, str]:
        reader = RowReader(by_column)
        code = reader.read("program_code", cells.text, required=True)
        name = reader.read("moe_name", lambda v: cells.text(v, max_length=300), required=True)
        reader.fail_if_errors()
        result.key = f"{code} / {name}"
        reader = RowReader(self._continue_record(MOES, (code.upper(), name.lower()), number, by_column))
        data: dict[str, Any] = {"name": name}
        data["unit"] = reader.read("unit", lambda v: cells.text(v, max_length=60), required=True)
        data["baseline_value"] = reader.read("baseline_value", lambda v: cells.number(v, allow_negative=True, places=4), required=True)
        data["baseline_date"] = reader.read("baseline_date", cells.date, required=True)
        optional = (
            ("kind", "kind", lambda v: cells.choice(v, MoeKind.choices)),
            ("direction", "direction", lambda v: cells.choice(v, Direction.choices)),
            ("frequency", "frequency", lambda v: cells.choice(v, Frequency.choices)),
            ("cumulative", "is_cumulative", cells.boolean),
            ("allows_negative", "allows_negative", cells.boolean),
            ("weight", "weight", lambda v: cells.number(v, places=3)),
            ("means_of_verification", "means_of_verification", cells.text),
        )
        for column, field_name, parse in optional:
            if reader.present(column):
                data[field_name] = reader.read(column, parse)
        period = reader.read("period", cells.period)
        target = reader.read("target", lambda v: cells.number(v, allow_negative=True, places=4))
        if (period is None) != (target is None) and not reader.errors:
            missing = "target" if target is None else "period"
            reader.errors.append((missing, f"is required when the row has a {'period' if missing == 'target' else 'target'}"))
        reader.fail_if_errors()
        program = self._editable_program(code, "program_code")
        if period is not None:
            result.key = f"{code} / {name} / {period}"
            self._once(("target", program.pk, name.lower(), period), number, "period", f"the target of '{name}' for {period}")
        else:
            self._once(("moe", program.pk, name.lower()), number, "moe_name", f"MOE '{name}' without a target")
        matches = list(MeasureOfEffectiveness.objects.filter(program=program, name__iexact=name, archived_at__isnull=True)[:2])
        if len(matches) > 1:
            raise RowErrors([("moe_name", f"program {program.code} has two MOEs named '{name}'; rename one first")])
        moe = matches[0] if matches else None
        targets = [{"period": period, "value": target}] if period else []
        if moe is None:
            self._call(moe_create, default="moe_name", program=program, data=data, targets=targets)
            return CREATE, f"New MOE{f' with a {period} target' if period else ''}"
        before = _moe_state(moe, period)
        result.seen["moe"] = before[0]
        self._refuse_stale(result, "moe", "moe_name", f"MOE '{name}'")
        self._call(
            moe_update, default="moe_name", moe=moe, data=data, version=before[0],
            rationale_category=self.rationale_category, rationale=self.rationale,
        )
        if period:
            self._call(
                target_set, default="target", moe=moe, period=period, value=target,
                rationale_category=self.rationale_category, rationale=self.rationale,
            )
        after = _moe_state(moe, period)
        details_changed = after[0] != before[0]
        target_added = period is not None and before[1] is None
        target_changed = not target_added and after[1] != before[1]
        notes = []
        if details_changed:
            notes.append("MOE details changed")
        if target_added:
            notes.append(f"new {period} target")
        if target_changed:
            notes.append(f"{period} target changed")
        return outcome_of(changed=details_changed or target_changed, added=target_added), sentence(notes)

    # --- measurements ---------------------------------------------------------------

    def _measurement_row(self, result: RowResult, number: int, by_column: dict[str, object]) -> tuple[str, str]:
        reader = RowReader(by_column)
        code = reader.read("program_code", cells.text, required=True)
        name = reader.read("moe_name", cells.text, required=True)
        period = reader.read("period", cells.period, required=True)
        value = reader.read("value", lambda v: cells.number(v, allow_negative=True, places=4), required=True)
        source = reader.read("source", lambda v: cells.text(v, max_length=250)) or ""
        evidence_url = reader.read("evidence_url", cells.text) or ""
        collected_on = reader.read("collected_on", cells.date)
        reader.fail_if_errors()
        result.key = f"{code} / {name} / {period}"
        program = self._editable_program(code, "program_code")
        self._once(("measurement", program.pk, name.lower(), period), number, "period", f"the measurement of '{name}' for {period}")
        moe = MeasureOfEffectiveness.objects.filter(program=program, name__iexact=name, archived_at__isnull=True).first()
        if moe is None:
            raise RowErrors([("moe_name", f"program {program.code} has no MOE named '{name}'; import the MOE first")])
        before = Measurement.objects.filter(moe=moe, period=period).values_list("version", flat=True).first()
        result.seen["measurement"] = before
        self._refuse_stale(result, "measurement", "value", f"The measurement of '{name}' for {period}")
        self._call(
            measurement_record, default="value", moe=moe, period=period, value=value, source=source,
            evidence_url=evidence_url, collected_on=collected_on, version=before,
            rationale_category=self.rationale_category, rationale=self.rationale,
        )
        after = Measurement.objects.filter(moe=moe, period=period).values_list("version", "status").first()
        if before is None:
            return CREATE, "New measurement (draft)"
        if after[0] == before:
            return UNCHANGED, ""
        return UPDATE, f"Value or details changed; status now {after[1]}"


def _moe_state(moe: MeasureOfEffectiveness, period: str | None) -> tuple:
    version = MeasureOfEffectiveness.objects.filter(pk=moe.pk).values_list("version", flat=True).first()
    target = Target.objects.filter(moe_id=moe.pk, period=period).values_list("value", flat=True).first() if period else None
    return (version, target)



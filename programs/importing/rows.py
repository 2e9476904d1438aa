"""Importing the rows of one file through the programs services, reporting every row.

Each row is read cell by cell (programs.importing.cells), checked against earlier rows
of the same file (duplicates, conflicting repeats), then written by the same service the
pages and the API use (program_create / program_update, moe_create / moe_update /
target_set, measurement_record), inside its own savepoint so a failing row leaves no
trace while the rest of the file is still checked. The outcome of a row is found by
comparing the records it touches before and after the call: create, update, unchanged,
error (with the column and the reason) or skipped (totals rows).

The caller (programs.importing.services) runs the whole file in one transaction and
rolls it back for a preview or when any row failed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from .. import permissions
from ..models import (
    Agency,
    Direction,
    Frequency,
    Funding,
    Goal,
    MeasureOfEffectiveness,
    Measurement,
    MoeKind,
    Program,
    Purpose,
    Sector,
    Target,
    User,
)
from infrastructure.versioning import StaleVersionError
from ..services.measures import measurement_record, moe_create, moe_update, target_set
from ..services.programs import PROGRAM_FIELDS, funding_set, program_create, program_update
from . import cells
from .columns import KINDS, MEASUREMENTS, MOES, PROGRAMS, TableKind, recognise
from .countries import CountryMatcher
from .reading import FormulaWithoutValue, Table

CREATE, UPDATE, UNCHANGED, ERROR, SKIPPED = "create", "update", "unchanged", "error", "skipped"
OUTCOMES = (CREATE, UPDATE, UNCHANGED, ERROR, SKIPPED)
FORM = "rationale (upload form)"
INSTRUCTION_SHEETS = {"instructions", "read me", "readme", "notes"}


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

    def as_dict(self) -> dict[str, Any]:
        """JSON for the job's report; NUL characters (which PostgreSQL's jsonb refuses)
        quoted from a cell are shown as U+FFFD."""
        return {
            "table": _printable(self.table), "row": self.row, "kind": self.kind, "key": _printable(self.key),
            "outcome": self.outcome, "note": _printable(self.note),
            "errors": [{"column": _printable(e["column"]), "message": _printable(e["message"])} for e in self.errors],
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
                self.errors.append((column, "is required"))
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
    if hasattr(exc, "error_dict"):
        found = []
        for name, messages in exc.message_dict.items():
            column = FIELD_COLUMNS.get(name, default if name == "__all__" else name)
            if name in ("rationale_category", "rationale"):
                messages = [f"{m} Set the rationale category and text on the upload form." for m in messages]
            found.extend((column, m) for m in messages)
        return found
    return [(default, m) for m in exc.messages]


class ImportRun:
    """One pass over a file's tables, writing through the services (caller owns the transaction)."""

    def __init__(self, *, user: User, rationale_category: str = "", rationale: str = "",
                 progress: Callable[[int, int], None] | None = None):
        self.user = user
        self.rationale_category = rationale_category
        self.rationale = rationale
        self.progress = progress
        self.countries = CountryMatcher()
        self.agencies = {a.code.upper(): a for a in Agency.objects.only("pk", "code")}
        self.goals = {g.code.lower(): g for g in Goal.objects.only("pk", "code")}
        self.sectors = {s.dac_code: s for s in Sector.objects.only("pk", "dac_code")}
        self.results: list[RowResult] = []
        self._first_row: dict[tuple, tuple[int, dict[str, object]]] = {}
        self._seen_keys: dict[tuple, int] = {}
        self._applied_programs: dict[str, Program] = {}  # code (upper) -> program written by an earlier row

    # --- the file -------------------------------------------------------------------

    def run(self, tables: Iterable[Table]) -> list[RowResult]:
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
        total = sum(len(t.rows) for *_, t in recognised)
        done = 0
        for _, _, kind, mapping, table in sorted(recognised, key=lambda item: item[:2]):
            for number, row_cells in table.rows:
                by_column = {name: row_cells[i] if i < len(row_cells) else None for i, name in mapping.items()}
                self.results.append(self._row(kind, table.name, number, by_column))
                done += 1
                if self.progress and (done % 25 == 0 or done == total):
                    self.progress(done, total)
        return self.results

    def _row(self, kind: TableKind, table: str, number: int, by_column: dict[str, object]) -> RowResult:
        result = RowResult(table=table, row=number, kind=kind.key)
        label = next((v for v in by_column.values() if not cells.is_blank(v)), None)
        if cells.is_totals_label(label):
            result.outcome, result.note = SKIPPED, f"Totals row '{cells.text(label)}' ignored: the portal computes totals."
            return result
        handler = {PROGRAMS.key: self._program_row, MOES.key: self._moe_row, MEASUREMENTS.key: self._measurement_row}[kind.key]
        try:
            with transaction.atomic():
                result.outcome, result.note = handler(result, number, by_column)
        except RowErrors as exc:
            result.outcome = ERROR
            result.errors = [{"column": c, "message": m} for c, m in exc.errors]
        except DatabaseError as exc:  # a constraint the checks above missed: report, never a 500
            result.outcome = ERROR
            result.errors = [{"column": "(row)", "message": f"could not be saved: {str(exc).splitlines()[0]}"}]
        return result

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
        except StaleVersionError as exc:  # pragma: no cover - the importer passes no version
            raise RowErrors([(default, str(exc))]) from exc

    def _editable_program(self, code: str, column: str) -> Program:
        program = Program.objects.select_related("lead_agency").filter(code__iexact=code).first()
        if program is None:
            raise RowErrors([(column, f"no program has the code '{code}'; import the program first or check the code")])
        if not permissions.can_edit_program(self.user, program):
            raise RowErrors([(column, f"program {program.code} is led by {program.lead_agency.code}; "
                                      "you may only import data of your own agency's programs")])
        return program

    # --- programs and funding -------------------------------------------------------

    def _program_row(self, result: RowResult, number: int, by_column: dict[str, object]) -> tuple[str, str]:
        reader = RowReader(by_column)
        code = reader.read("code", lambda v: cells.text(v, max_length=40), required=True)
        reader.fail_if_errors()
        result.key = code
        reader = RowReader(self._continue_record(PROGRAMS, (code.upper(),), number, by_column))
        data: dict[str, Any] = {"code": code}
        data["title"] = reader.read("title", lambda v: cells.text(v, max_length=300), required=True)
        data["lead_agency"] = reader.read("lead_agency", self._agency, required=True)
        data["countries"] = reader.read("countries", self._countries, required=True)
        data["purpose"] = reader.read("purpose", lambda v: cells.choice(v, Purpose.choices), required=True)
        data["start_fy"] = reader.read("start_fy", cells.fiscal_year, required=True)
        data["end_fy"] = reader.read("end_fy", cells.fiscal_year, required=True)
        for column, parse in (
            ("funding_authority", lambda v: cells.text(v, max_length=200)),
            ("description", cells.text),
            ("goals", self._goals),
            ("sectors", self._sectors),
        ):
            if reader.present(column):
                data[column] = reader.read(column, parse)
        fiscal_year = reader.read("fiscal_year", cells.fiscal_year)
        amounts = {name: reader.read(name, cells.amount) for name in ("planned", "obligated", "disbursed")}
        if data["start_fy"] and data["end_fy"] and data["end_fy"] < data["start_fy"]:
            reader.errors.append(("end_fy", f"FY{data['end_fy']} is before the start fiscal year FY{data['start_fy']}"))
        if not reader.present("fiscal_year") and any(reader.present(n) for n in amounts):
            reader.errors.append(("fiscal_year", "is required when the row has funding amounts"))
        reader.fail_if_errors()
        funding = None
        if fiscal_year is not None:
            result.key = f"{code} / FY{fiscal_year}"
            self._once(("funding", code.upper(), fiscal_year), number, "fiscal_year", f"FY{fiscal_year} of {code}")
            funding = {"fiscal_year": fiscal_year, **{k: v if v is not None else Decimal("0") for k, v in amounts.items()}}
        else:
            self._once(("program", code.upper()), number, "code", f"program {code} without funding")

        applied = self._applied_programs.get(code.upper())
        if applied is not None:
            return self._funding_row(applied, funding)
        program = Program.objects.select_related("lead_agency").filter(code__iexact=code).first()
        members = [name for name in ("countries", "goals", "sectors") if name in data]
        before = _program_state(program, fiscal_year, members)
        if program is None:
            program = self._call(program_create, default="lead_agency", data=data, funding=[funding] if funding else [])
            self._applied_programs[code.upper()] = program
            return CREATE, f"New program{f' with FY{fiscal_year} funding' if funding else ''}"
        if not permissions.can_edit_program(self.user, program):
            raise RowErrors([("code", f"program {program.code} is led by {program.lead_agency.code}; "
                                      "you may only import programs of your own agency")])
        data["code"] = program.code  # matched case-insensitively; keep the stored spelling
        if program.lead_agency_id != data["lead_agency"].pk:
            raise RowErrors([("lead_agency", f"program {program.code} is led by {program.lead_agency.code}; "
                                             "an import does not move a program to another agency")])
        self._call(
            program_update, default="code", program=program, data=data, version=None,
            funding=[funding] if funding else None,
            rationale_category=self.rationale_category, rationale=self.rationale,
        )
        self._applied_programs[code.upper()] = program
        after = _program_state(program, fiscal_year, members)
        details_changed = after[0] != before[0]
        funding_added = funding is not None and before[1] is None
        funding_changed = not funding_added and after[1] != before[1]
        notes = []
        if details_changed:
            notes.append("program details changed")
        if funding_added:
            notes.append(f"new FY{fiscal_year} funding")
        if funding_changed:
            notes.append(f"FY{fiscal_year} funding changed")
        return _outcome(changed=details_changed or funding_changed, added=funding_added), _sentence(notes)

    def _funding_row(self, program: Program, funding: dict[str, Any] | None) -> tuple[str, str]:
        """A further row of a program this file has already written (its details are the
        same, checked by _continue_record): only its funding year is new information."""
        if funding is None:
            return UNCHANGED, ""
        fiscal_year = funding["fiscal_year"]
        before = _funding_amounts(program, fiscal_year)
        self._call(
            funding_set, default="fiscal_year", program=program, fiscal_year=fiscal_year,
            planned=funding["planned"], obligated=funding["obligated"], disbursed=funding["disbursed"],
            rationale_category=self.rationale_category, rationale=self.rationale,
        )
        after = _funding_amounts(program, fiscal_year)
        if before is None:
            return CREATE, f"New FY{fiscal_year} funding"
        if after != before:
            return UPDATE, f"FY{fiscal_year} funding changed"
        return UNCHANGED, ""

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
        self._call(
            moe_update, default="moe_name", moe=moe, data=data, version=None,
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
        return _outcome(changed=details_changed or target_changed, added=target_added), _sentence(notes)

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
        self._call(
            measurement_record, default="value", moe=moe, period=period, value=value, source=source,
            evidence_url=evidence_url, collected_on=collected_on, version=None,
            rationale_category=self.rationale_category, rationale=self.rationale,
        )
        after = Measurement.objects.filter(moe=moe, period=period).values_list("version", "status").first()
        if before is None:
            return CREATE, "New measurement (draft)"
        if after[0] == before:
            return UNCHANGED, ""
        return UPDATE, f"Value or details changed; status now {after[1]}"


def _program_state(program: Program | None, fiscal_year: int | None, members: list[str]) -> tuple:
    """What a program row can change: the program's fields and the memberships the row
    names, and the row's funding amounts."""
    if program is None:
        return (None, None)
    fields = Program.objects.filter(pk=program.pk).values(*PROGRAM_FIELDS).first()
    memberships = {name: frozenset(getattr(program, name).values_list("pk", flat=True)) for name in members}
    funding = _funding_amounts(program, fiscal_year) if fiscal_year is not None else None
    return ((fields, memberships), funding)


def _funding_amounts(program: Program, fiscal_year: int) -> tuple | None:
    return (
        Funding.objects.filter(program_id=program.pk, fiscal_year=fiscal_year)
        .values_list("planned", "obligated", "disbursed")
        .first()
    )


def _moe_state(moe: MeasureOfEffectiveness, period: str | None) -> tuple:
    version = MeasureOfEffectiveness.objects.filter(pk=moe.pk).values_list("version", flat=True).first()
    target = Target.objects.filter(moe_id=moe.pk, period=period).values_list("value", flat=True).first() if period else None
    return (version, target)


def _outcome(*, changed: bool, added: bool) -> str:
    """A row that only adds a record (a new funding year, a new target) creates; one that
    alters an existing record updates; one that does neither is unchanged."""
    if changed:
        return UPDATE
    return CREATE if added else UNCHANGED


def _sentence(notes: list[str]) -> str:
    text = "; ".join(notes)
    return text[:1].upper() + text[1:]


def summarise(results: Iterable[RowResult]) -> dict[str, int]:
    summary = dict.fromkeys(OUTCOMES, 0)
    for result in results:
        summary[result.outcome] = summary.get(result.outcome, 0) + 1
    return summary

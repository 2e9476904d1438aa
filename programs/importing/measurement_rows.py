"""The measurement table in bulk: a constant number of queries, whatever its size.

1. **Read** every row's cells and check it against earlier rows (duplicates): no queries.
2. **Load** the programs the file names (by code), their MOEs of the names it uses, the
   stored measurements of those MOEs (locked) and their category values (breakdowns): one
   query per table.
3. **Check** every row in memory through the rule functions ``measurement_record`` calls:
   the program's editor, archived records read-only (``ensure_writable``), ``parse_period``
   (inside the program's years and of the MOE's frequency), the stored breakdown still
   adding up to a new value (``check_breakdown``), ``require_rationale`` when an approved
   value changes (it then returns to "submitted"; a returned one to "draft"), and the
   model's ``full_clean()``. A confirm also refuses rows whose measurement changed since
   the preview.
4. **Write** new and changed measurements with bulk INSERTs and UPDATEs and their history
   (programs.importing.writing). Only a withdrawn approved value changes rollups, so only
   its program is touched and returned for the announcement, as in the service.

An unchanged row writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError

from ..models import MeasureOfEffectiveness, Measurement, MeasurementDisaggregation, MeasurementStatus, Program
from ..services.measures import MEASUREMENT_FIELDS, check_breakdown, parse_period
from infrastructure.saving import require_rationale, timestamps_touch
from . import cells
from .outcomes import CREATE, UNCHANGED, UPDATE, RowErrors, RowReader, RowResult
from .program_rows import STALE
from .stored import moes_by_name, programs_by_code, require_program_importer, rule_errors, stored_program, writable
from .writing import HistoryAuthor, bulk_change, bulk_insert

if TYPE_CHECKING:
    from .rows import ImportRun

CHANGED_FIELDS = [*MEASUREMENT_FIELDS, "status", "approved_by", "approved_at", "entered_by", "version"]


@dataclass
class MeasurementRow:
    """One row read from the file: the value of one MOE for one period."""

    result: RowResult
    code: str
    name: str
    period: str
    values: dict[str, Any]  # MEASUREMENT_FIELDS
    measurement: Measurement | None = None  # as it will be saved (None: unchanged or failed)
    withdrawn: bool = False


class MeasurementTable:
    """Imports the measurement rows of a file (all sheets of that kind) in bulk."""

    def __init__(self, run: ImportRun, *, seen: dict[tuple[str, int], dict] | None = None):
        self.run = run
        self.user = run.user
        self.seen = seen

    def read_row(self, result: RowResult, number: int, by_column: dict[str, object]) -> MeasurementRow:
        """A row's typed values, or RowErrors naming every bad cell."""
        reader = RowReader(by_column)
        code = reader.read("program_code", cells.text, required=True)
        name = reader.read("moe_name", cells.text, required=True)
        period = reader.read("period", cells.period, required=True)
        values = {
            "value": reader.read("value", lambda v: cells.number(v, allow_negative=True, places=4), required=True),
            "source": reader.read("source", lambda v: cells.text(v, max_length=250)) or "",
            "evidence_url": reader.read("evidence_url", cells.text) or "",
            "collected_on": reader.read("collected_on", cells.date),
        }
        reader.fail_if_errors()
        result.key = f"{code} / {name} / {period}"
        self.run._once(("measurement", code.upper(), name.lower(), period), number, "period",
                       f"the measurement of '{name}' for {period}")
        return MeasurementRow(result=result, code=code, name=name, period=period, values=values)

    def import_rows(self, rows: list[MeasurementRow], author: HistoryAuthor) -> set[int]:
        """Check and write the rows (each row's result gets its outcome); returns the ids of
        the programs whose approved values were withdrawn (to announce for their rollups)."""
        programs = programs_by_code(row.code for row in rows)
        moes = moes_by_name(programs.values(), (row.name for row in rows))
        moe_ids = [found[0].pk for found in moes.values()]
        stored = {
            (m.moe_id, m.period): m
            for m in Measurement.objects.select_for_update().filter(moe_id__in=moe_ids, period__in={r.period for r in rows})
        } if moe_ids else {}
        breakdowns: dict[int, dict] = {}
        if stored:
            values = MeasurementDisaggregation.objects.select_related("category").filter(
                measurement_id__in=[m.pk for m in stored.values()]
            )
            for row in values:
                breakdowns.setdefault(row.measurement_id, {})[row.category_id] = (row.category, row.value)
        for row in rows:
            try:
                self._check(row, programs, moes, stored, breakdowns)
            except RowErrors as exc:
                row.result.error(exc.errors)
        return self._write(rows, author)

    def _check(self, row: MeasurementRow, programs: dict, moes: dict, stored: dict, breakdowns: dict) -> None:
        program = stored_program(programs, row.code, "program_code")
        found = moes.get((program.pk, row.name.lower()))
        if not found:
            raise RowErrors([("moe_name", f"program {program.code} has no MOE named '{row.name}'; import the MOE first")])
        moe: MeasureOfEffectiveness = found[0]
        writable(moe, default="value")
        try:
            code = parse_period(row.period, program=program, moe=moe).code
        except ValidationError as exc:
            raise rule_errors(exc, default="period") from exc
        measurement = stored.get((moe.pk, code))
        row.result.seen["measurement"] = measurement.version if measurement else None
        if self.seen is not None:
            before = self.seen.get((row.result.table, row.result.row))
            if before is not None and "measurement" in before and before["measurement"] != row.result.seen["measurement"]:
                raise RowErrors([("value", f"The measurement of '{row.name}' for {code} {STALE}")])
        values = row.values
        if measurement is not None and all(
            getattr(measurement, k) == (Decimal(v) if k == "value" else v) for k, v in values.items()
        ):
            row.result.outcome = UNCHANGED
            return
        require_program_importer(self.user, program, "program_code")
        try:
            if measurement is None:
                measurement = Measurement(moe=moe, period=code, entered_by=self.user)
            else:
                row.withdrawn = measurement.status == MeasurementStatus.APPROVED
                if row.withdrawn:
                    require_rationale(self.run.rationale_category, self.run.rationale)
                    measurement.status = MeasurementStatus.SUBMITTED
                    measurement.approved_by, measurement.approved_at = None, None
                elif measurement.status == MeasurementStatus.RETURNED:
                    measurement.status = MeasurementStatus.DRAFT
                measurement.version += 1
                measurement.entered_by = self.user
                measurement.moe = moe
            for key, item in values.items():
                setattr(measurement, key, item)
            check_breakdown(moe, Decimal(values["value"]), breakdowns.get(measurement.pk, {}) if measurement.pk else {},
                            partial=measurement.breakdown_partial)
            measurement.full_clean(exclude=["moe", "entered_by", "approved_by"], validate_unique=False, validate_constraints=False)
        except (ValidationError, PermissionDenied) as exc:
            raise rule_errors(exc, default="value") from exc
        row.measurement = measurement
        if measurement.pk is None:
            row.result.outcome, row.result.note = CREATE, "New measurement (draft)"
        else:
            row.result.outcome = UPDATE
            row.result.note = f"Value or details changed; status now {measurement.status}"

    def _write(self, rows: list[MeasurementRow], author: HistoryAuthor) -> set[int]:
        ok = [r for r in rows if r.measurement is not None and not r.result.errors]
        new = [r.measurement for r in ok if r.measurement.pk is None]
        changed = [r.measurement for r in ok if r.measurement.pk is not None]
        bulk_insert(Measurement, new, author)
        bulk_change(Measurement, changed, CHANGED_FIELDS, author)
        withdrawn = {r.measurement.moe.program_id for r in ok if r.withdrawn}
        timestamps_touch(Program, withdrawn)
        return withdrawn

"""The MOE table (MOEs and their per-period targets) in bulk: a constant number of queries.

1. **Read** every row's cells and check it against earlier rows of the file (duplicates,
   continuation rows): no queries.
2. **Load** the programs the file names (by code), their MOEs of the names it uses (by
   name, locked), those MOEs' targets (locked) and, only when the file changes an MOE's
   frequency, unit or negative-values flag, the periods and values of its measurements:
   one query per table.
3. **Check** every MOE and target in memory through the rule functions the services call
   (``moe_create``/``moe_update``/``target_set``): the program's editor, archived records
   read-only (``ensure_writable``), ``parse_period`` (inside the program's years and of the
   MOE's frequency), ``check_frequency_fits`` for a changed frequency, ``check_values_fit``
   for a changed unit or negative-values flag (the stored values and kept targets must
   still fit the value rule), ``require_rationale``
   for changed approved data, and the models' ``full_clean()``. A confirm also refuses
   rows whose records changed since the preview.
4. **Write** new and changed MOEs and targets with bulk INSERTs and UPDATEs and their
   history (programs.importing.writing), move ``updated_at`` of programs (and of MOEs whose
   targets changed) as the services do, and return the affected programs to announce once.

An unchanged row writes nothing. An MOE with an error in its own columns is not written
(the file then rolls back anyway).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError

from ..models import Direction, Frequency, MeasureOfEffectiveness, Measurement, MoeKind, Program, Target
from ..fiscal import Period
from ..services.measures import MOE_FIELDS, RULE_FIELDS, check_frequency_fits, check_values_fit, parse_period
from ..services.programs import is_approved_data
from infrastructure.saving import require_rationale, timestamps_touch
from . import cells
from .columns import MOES
from .outcomes import CREATE, RowErrors, RowReader, RowResult, outcome_of, sentence
from .program_rows import STALE
from .stored import moes_by_name, programs_by_code, require_program_importer, rule_errors, stored_program, writable
from .writing import HistoryAuthor, bulk_change, bulk_insert, nested_rows_write

if TYPE_CHECKING:
    from .rows import ImportRun

OPTIONAL_COLUMNS = (
    ("kind", "kind", lambda v: cells.choice(v, MoeKind.choices)),
    ("direction", "direction", lambda v: cells.choice(v, Direction.choices)),
    ("frequency", "frequency", lambda v: cells.choice(v, Frequency.choices)),
    ("cumulative", "is_cumulative", cells.boolean),
    ("allows_negative", "allows_negative", cells.boolean),
    ("weight", "weight", cells.weight),
    ("means_of_verification", "means_of_verification", cells.text),
)


@dataclass
class MoeRow:
    """One row read from the file: an MOE's details and, if any, one period's target."""

    result: RowResult
    code: str
    name: str
    data: dict[str, Any]  # MOE_FIELDS present in the row
    period: str | None
    target: Decimal | None

    @property
    def key(self) -> tuple[str, str]:
        return self.code.upper(), self.name.lower()


@dataclass
class MoePlan:
    """What the file asks of one MOE (rows sharing program code and name), and what the check found."""

    rows: list[MoeRow]
    program: Program | None = None
    moe: MeasureOfEffectiveness | None = None  # the stored MOE (None: a new one)
    instance: MeasureOfEffectiveness | None = None  # the MOE as it will be saved
    details_changed: bool = False
    targets_new: list[Target] = field(default_factory=list)
    targets_changed: list[Target] = field(default_factory=list)
    failed: bool = False


def _file_target(plan: MoePlan, period: str) -> Decimal | None:
    """The target the file gives ``plan``'s MOE for the period code ``period`` (None: none)."""
    for row in plan.rows:
        if row.period is not None and row.target is not None:
            try:
                if Period.parse(row.period).code == period:
                    return row.target
            except ValueError:
                continue  # the row's own error
    return None


class MoeTable:
    """Imports the MOE rows of a file (all sheets of that kind) in bulk."""

    def __init__(self, run: ImportRun, *, seen: dict[tuple[str, int], dict] | None = None):
        self.run = run
        self.user = run.user
        self.seen = seen

    # --- 1. read -----------------------------------------------------------------

    def read_row(self, result: RowResult, number: int, by_column: dict[str, object]) -> MoeRow:
        """A row's typed values, or RowErrors naming every bad cell."""
        run = self.run
        reader = RowReader(by_column)
        code = reader.read("program_code", cells.text, required=True)
        name = reader.read("moe_name", lambda v: cells.text(v, max_length=300), required=True)
        reader.fail_if_errors()
        result.key = f"{code} / {name}"
        reader = RowReader(run._continue_record(MOES, (code.upper(), name.lower()), number, by_column))
        data: dict[str, Any] = {"name": name}
        data["unit"] = reader.read("unit", lambda v: cells.text(v, max_length=60), required=True)
        data["baseline_value"] = reader.read("baseline_value", lambda v: cells.number(v, allow_negative=True, places=4), required=True)
        data["baseline_date"] = reader.read("baseline_date", cells.date, required=True)
        for column, field_name, parse in OPTIONAL_COLUMNS:
            if reader.present(column):
                data[field_name] = reader.read(column, parse)
        period = reader.read("period", cells.period)
        target = reader.read("target", lambda v: cells.number(v, allow_negative=True, places=4))
        if (period is None) != (target is None) and not reader.errors:
            missing = "target" if target is None else "period"
            reader.errors.append((missing, f"a value is required when the row has a {'period' if missing == 'target' else 'target'}"))
        reader.fail_if_errors()
        if period is not None:
            result.key = f"{code} / {name} / {period}"
            run._once(("target", code.upper(), name.lower(), period), number, "period", f"the target of '{name}' for {period}")
        else:
            run._once(("moe", code.upper(), name.lower()), number, "moe_name", f"MOE '{name}' without a target")
        return MoeRow(result=result, code=code, name=name, data=data, period=period, target=target)

    # --- 2.-4. load, check, write ----------------------------------------------------

    def import_rows(self, rows: list[MoeRow], author: HistoryAuthor) -> set[int]:
        """Check and write the rows (each row's result gets its outcome); returns the ids of
        the programs whose MOE data changed (to announce for their rollups)."""
        plans: dict[tuple[str, str], MoePlan] = {}
        for row in rows:
            plans.setdefault(row.key, MoePlan(rows=[])).rows.append(row)
        programs = programs_by_code(row.code for row in rows)
        moes = moes_by_name(programs.values(), (row.name for row in rows), lock=True)
        stored_ids = [m.pk for found in moes.values() for m in found]
        targets: dict[tuple[int, str], Target] = {
            (t.moe_id, t.period): t for t in Target.objects.select_for_update().filter(moe_id__in=stored_ids)
        } if stored_ids else {}
        by_stored_key = {
            (programs[code].pk, name): plan for (code, name), plan in plans.items() if code in programs
        }
        rechecked = [  # stored MOEs the file gives another frequency, unit or negative-values flag
            found[0].pk for key, found in moes.items()
            if key in by_stored_key and any(
                by_stored_key[key].rows[0].data.get(name) not in (None, getattr(found[0], name))
                for name in ("frequency", *RULE_FIELDS)
            )
        ]
        measured: dict[int, dict[str, Decimal]] = {}
        for moe_id, period, value in (
            Measurement.objects.filter(moe_id__in=rechecked).values_list("moe_id", "period", "value") if rechecked else ()
        ):
            measured.setdefault(moe_id, {})[period] = value
        for plan in plans.values():
            self._check(plan, programs, moes, targets, measured)
        return self._write([p for p in plans.values() if not p.failed], author)

    def _check(self, plan: MoePlan, programs: dict, moes: dict, targets: dict, measured: dict) -> None:
        first = plan.rows[0]
        try:
            plan.program = stored_program(programs, first.code, "program_code")
            found = moes.get((plan.program.pk, first.name.lower()), [])
            if len(found) > 1:
                raise RowErrors([("moe_name", f"program {plan.program.code} has two MOEs named '{first.name}'; rename one first")])
            plan.moe = found[0] if found else None
            for row in plan.rows:
                row.result.seen["moe"] = plan.moe.version if plan.moe else None
            self._refuse_stale(plan.rows, "moe", "moe_name", f"MOE '{first.name}'")
            plan.instance = self._moe_instance(plan, first.data, targets, measured)
        except RowErrors as exc:
            for row in plan.rows:
                row.result.error(exc.errors)
            plan.failed = True
            return
        approved = is_approved_data(plan.program)
        new_moe_reported = False
        for index, row in enumerate(plan.rows):
            notes, changed, added = [], False, False
            try:
                if index == 0 and plan.details_changed:
                    notes.append("MOE details changed")
                    changed = True
                    if approved:
                        self._rationale()
                if row.period is not None:
                    added, target_changed = self._target(plan, row, targets, approved)
                    if added:
                        notes.append(f"new {row.period} target")
                    if target_changed:
                        notes.append(f"{row.period} target changed")
                        changed = True
                if changed or added or plan.moe is None:  # unchanged rows import back whoever exported them
                    require_program_importer(self.user, plan.program, "program_code")
            except RowErrors as exc:
                row.result.error(exc.errors)
                plan.failed = True
                continue
            if plan.moe is None and not new_moe_reported:  # the first good row of a new MOE creates it
                new_moe_reported = True
                row.result.outcome = CREATE
                row.result.note = f"New MOE{f' with a {row.period} target' if row.period else ''}"
                continue
            row.result.outcome = outcome_of(changed=changed, added=added)
            row.result.note = sentence(notes)

    def _moe_instance(self, plan: MoePlan, data: dict[str, Any], targets: dict, measured: dict) -> MeasureOfEffectiveness:
        """The MOE as it will be saved, checked by the services' rules and full_clean()."""
        moe = plan.moe
        try:
            if moe is None:
                writable(plan.program, default="moe_name")
                instance = MeasureOfEffectiveness(program=plan.program, **{k: data[k] for k in MOE_FIELDS if k in data})
            else:
                writable(moe, default="moe_name")
                instance = moe
                before = {k: getattr(moe, k) for k in MOE_FIELDS}
                for key in MOE_FIELDS:
                    if key in data:
                        setattr(instance, key, data[key])
                plan.details_changed = any(getattr(instance, k) != before[k] for k in MOE_FIELDS)
                refrequenced = instance.frequency != before["frequency"]
                rule_changed = any(getattr(instance, name) != before[name] for name in RULE_FIELDS)
                stored_targets = {  # only for the MOEs whose stored rows are rechecked
                    period: t.value for (moe_id, period), t in targets.items() if moe_id == moe.pk
                } if refrequenced or rule_changed else {}
                if refrequenced:
                    check_frequency_fits(instance, set(stored_targets) | set(measured.get(moe.pk, {})))
                if rule_changed:
                    # the file's changed targets are checked row by row (_target); the rest stay
                    check_values_fit(instance, before, [
                        *(("value", period, value) for period, value in measured.get(moe.pk, {}).items()),
                        *(("target", period, value) for period, value in stored_targets.items()
                          if _file_target(plan, period) in (None, value)),
                    ])
            instance.full_clean(exclude=["program"], validate_unique=False, validate_constraints=False)
        except (ValidationError, PermissionDenied) as exc:
            raise rule_errors(exc, default="moe_name") from exc
        return instance

    def _target(self, plan: MoePlan, row: MoeRow, targets: dict, approved: bool) -> tuple[bool, bool]:
        """Check one row's target (as ``target_set`` does); returns (added, changed)."""
        moe = plan.instance
        try:
            code = parse_period(row.period, program=plan.program, moe=moe).code
        except ValidationError as exc:
            raise rule_errors(exc, default="period") from exc
        stored = targets.get((moe.pk, code)) if plan.moe is not None else None
        row.result.seen["target"] = stored.version if stored else None
        self._refuse_stale([row], "target", "target", f"The {code} target of '{row.name}'")
        if stored is not None and stored.value == row.target:
            return False, False
        if stored is not None and approved:
            self._rationale()
        target = stored or Target(moe=moe, period=code)
        target.moe = moe  # a stored target too: its clean() checks the value against the MOE as it will be saved
        target.value = row.target
        try:
            target.full_clean(exclude=["moe"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            # the target's "value" is this sheet's "target" column (the default column)
            by_field = {"__all__" if name == "value" else name: messages for name, messages in exc.message_dict.items()}
            raise rule_errors(ValidationError(by_field), default="target") from exc
        (plan.targets_changed if stored is not None else plan.targets_new).append(target)
        return stored is None, stored is not None

    def _rationale(self) -> None:
        try:
            require_rationale(self.run.rationale_category, self.run.rationale)
        except ValidationError as exc:
            raise rule_errors(exc, default="moe_name") from exc

    def _refuse_stale(self, rows: list[MoeRow], record: str, column: str, what: str) -> None:
        """At confirm: RowErrors if ``record`` of these rows changed since the preview saw it."""
        if self.seen is None:
            return
        for row in rows:
            before = self.seen.get((row.result.table, row.result.row))
            if before is not None and record in before and before[record] != row.result.seen[record]:
                raise RowErrors([(column, f"{what} {STALE}")])

    def _write(self, plans: list[MoePlan], author: HistoryAuthor) -> set[int]:
        new = [p.instance for p in plans if p.moe is None]
        changed = [p.instance for p in plans if p.moe is not None and p.details_changed]
        for moe in changed:
            moe.version += 1  # targets set through target_set move only their own version
        bulk_insert(MeasureOfEffectiveness, new, author)
        bulk_change(MeasureOfEffectiveness, changed, [*MOE_FIELDS, "version"], author)
        targets = nested_rows_write(
            Target, [(p.instance, p.targets_new, p.targets_changed) for p in plans], "moe", ["value"], author)
        # Nested targets changed under an MOE whose own fields did not: move its updated_at
        # (sync clients), and the programs' (one UPDATE each), as the services do.
        stored_ids = {p.instance.pk for p in plans if p.moe is not None}
        timestamps_touch(
            MeasureOfEffectiveness,
            {t.moe_id for t in targets} & stored_ids - {m.pk for m in changed},
        )
        affected = {p.program.pk for p in plans if p.moe is None or p.details_changed or p.targets_new or p.targets_changed}
        timestamps_touch(Program, affected)
        return affected


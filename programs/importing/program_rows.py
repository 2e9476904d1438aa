"""The programs-and-funding table in bulk: a constant number of queries, whatever its size.

1. **Read** every row's cells (programs.importing.cells) and check it against earlier
   rows of the file (duplicates, continuation rows): no queries.
2. **Load** the existing programs by code (case-insensitively, locked for the rest of the
   transaction), their memberships and their funding rows: one query per table.
3. **Check** every program and funding row in memory, through the same rule functions
   the services call (``check_may_create``, ``check_program_editable``,
   ``check_membership``, ``check_country_scope``, ``check_funding_year``, ``require_rationale`` on approved data)
   and the models' ``full_clean()`` (field validators and ``clean()``; uniqueness and
   foreign keys are known from step 2). A confirm also refuses rows whose records changed
   since the preview (the versions the preview saw, kept in its report).
4. **Write** the programs and funding that changed with bulk INSERTs and UPDATEs, their
   history with simple-history's bulk helper (programs.importing.writing) and announce
   the affected programs once (the caller batches the announcement into one rollup
   recompute).

A record that does not change is not written, so re-importing a file writes nothing and
records no history. Programs with an error row are not written (the file then rolls back
anyway), so a later MOE row of such a program reports "no program has the code".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Upper

from ..models import Funding, Measurement, Program, Purpose, Target
from ..services.programs import (
    FUNDING_FIELDS,
    PROGRAM_FIELDS,
    PROGRAM_M2M_FIELDS,
    check_country_scope,
    check_funding_year,
    check_may_create,
    check_membership,
    check_program_editable,
    is_approved_data,
)
from ..services.program_years import program_years_misfits, program_years_moved, program_years_refuse
from infrastructure.saving import require_rationale, timestamps_touch
from . import cells
from .columns import PROGRAMS
from .outcomes import CREATE, FORM, RowErrors, RowReader, RowResult, outcome_of, sentence, validation_errors
from .stored import rule_errors
from .writing import (
    HistoryAuthor, bulk_change, bulk_insert, m2m_history_snapshot, m2m_links_read, m2m_links_replace, nested_rows_write,
)

if TYPE_CHECKING:
    from .rows import ImportRun

MEMBER_COLUMNS = ("countries", "goals", "sectors")
STALE = "changed since the preview (by another user or import); nothing was saved. Preview the file again."


@dataclass
class ProgramRow:
    """One row read from the file: the program it describes and, if any, one funding year."""

    result: RowResult
    key: str  # the program code, upper case
    data: dict[str, Any]  # PROGRAM_FIELDS and the member columns present in the row
    funding: dict[str, Any] | None  # {"fiscal_year", "planned", "obligated", "disbursed"}


@dataclass
class ProgramPlan:
    """What the file asks of one program, and what the check found."""

    rows: list[ProgramRow]
    program: Program | None = None  # the stored program (None: a new one)
    instance: Program | None = None  # the program as it will be saved
    fields_changed: bool = False
    members_wanted: dict[str, set[int]] = field(default_factory=dict)  # only changed memberships
    funding_new: list[Funding] = field(default_factory=list)
    funding_changed: list[Funding] = field(default_factory=list)
    failed: bool = False

    @property
    def changed(self) -> bool:
        return self.fields_changed or bool(self.members_wanted)


class ProgramTable:
    """Imports the program rows of a file (all sheets of that kind) in bulk."""

    def __init__(self, run: ImportRun, *, seen: dict[tuple[str, int], dict] | None = None):
        self.run = run
        self.user = run.user
        self.seen = seen  # the preview's report: (table, row) -> versions seen; None for a preview

    # --- 1. read -----------------------------------------------------------------

    def read_row(self, result: RowResult, number: int, by_column: dict[str, object]) -> ProgramRow:
        """A row's typed values, or RowErrors naming every bad cell."""
        run = self.run
        reader = RowReader(by_column)
        code = reader.read("code", lambda v: cells.text(v, max_length=40), required=True)
        reader.fail_if_errors()
        result.key = code
        reader = RowReader(run._continue_record(PROGRAMS, (code.upper(),), number, by_column))
        data: dict[str, Any] = {"code": code}
        data["title"] = reader.read("title", lambda v: cells.text(v, max_length=300), required=True)
        data["lead_agency"] = reader.read("lead_agency", run._agency, required=True)
        data["countries"] = reader.read("countries", run._countries, required=True)
        data["purpose"] = reader.read("purpose", lambda v: cells.choice(v, Purpose.choices), required=True)
        data["start_fy"] = reader.read("start_fy", cells.fiscal_year, required=True)
        data["end_fy"] = reader.read("end_fy", cells.fiscal_year, required=True)
        for column, parse in (
            ("funding_authority", lambda v: cells.text(v, max_length=200)),
            ("description", cells.text),
            ("goals", run._goals),
            ("sectors", run._sectors),
        ):
            if reader.present(column):
                data[column] = reader.read(column, parse)
        fiscal_year = reader.read("fiscal_year", cells.fiscal_year)
        amounts = {name: reader.read(name, cells.amount) for name in FUNDING_FIELDS}
        if data["start_fy"] and data["end_fy"] and data["end_fy"] < data["start_fy"]:
            reader.errors.append(("end_fy", f"FY{data['end_fy']} is before the start fiscal year FY{data['start_fy']}"))
        if not reader.present("fiscal_year") and any(reader.present(n) for n in amounts):
            reader.errors.append(("fiscal_year", "a value is required when the row has funding amounts"))
        reader.fail_if_errors()
        funding = None
        if fiscal_year is not None:
            result.key = f"{code} / FY{fiscal_year}"
            run._once(("funding", code.upper(), fiscal_year), number, "fiscal_year", f"FY{fiscal_year} of {code}")
            funding = {"fiscal_year": fiscal_year, **{k: v if v is not None else Decimal("0") for k, v in amounts.items()}}
        else:
            run._once(("program", code.upper()), number, "code", f"program {code} without funding")
        return ProgramRow(result=result, key=code.upper(), data=data, funding=funding)

    # --- 2.-4. load, check, write ----------------------------------------------------

    def import_rows(self, rows: list[ProgramRow], author: HistoryAuthor) -> set[int]:
        """Check and write the rows (each row's result gets its outcome); returns the ids of
        the programs whose data changed (to announce for their rollups)."""
        plans: dict[str, ProgramPlan] = {}
        for row in rows:
            plans.setdefault(row.key, ProgramPlan(rows=[])).rows.append(row)
        stored = {
            p.code_key: p
            for p in Program.objects.select_related("lead_agency").select_for_update(of=("self",))
            .annotate(code_key=Upper("code")).filter(code_key__in=list(plans))
        }
        stored_ids = [p.pk for p in stored.values()]
        links = m2m_links_read(Program, PROGRAM_M2M_FIELDS, stored_ids)
        funding: dict[tuple[int, int], Funding] = {}
        funding_of: dict[int, list[Funding]] = {}  # program id -> its stored funding rows
        for f in Funding.objects.select_for_update().filter(program_id__in=stored_ids):
            funding[f.program_id, f.fiscal_year] = f
            funding_of.setdefault(f.program_id, []).append(f)
        moving = [
            p.pk for key, p in stored.items()
            if (p.start_fy, p.end_fy) != (plans[key].rows[0].data["start_fy"], plans[key].rows[0].data["end_fy"])
        ]
        measured = _measured_rows(moving)
        for key, plan in plans.items():
            plan.program = stored.get(key)
            self._check(plan, links, funding, funding_of, measured)
        return self._write([p for p in plans.values() if not p.failed], links, author)

    def _check(self, plan: ProgramPlan, links: dict, funding: dict, funding_of: dict, measured: dict) -> None:
        first = plan.rows[0]
        data, program = first.data, plan.program
        for row in plan.rows:
            row.result.seen["program"] = program.version if program else None
        stale = [(row, self._stale(row, "program")) for row in plan.rows]
        if any(error for _, error in stale):
            for row, error in stale:
                row.result.error([error or ("code", f"The program {STALE}")])
            plan.failed = True
            return
        try:
            instance = self._program_instance(plan, data, funding_of, measured)
        except RowErrors as exc:
            for row in plan.rows:
                row.result.error(exc.errors)
            plan.failed = True
            return
        plan.instance = instance
        current = {name: set(links[name].get(program.pk, {})) if program else set() for name in PROGRAM_M2M_FIELDS}
        for name in MEMBER_COLUMNS:
            wanted = {m.pk for m in data[name]} if name in data else None
            if wanted is not None and wanted != current[name]:
                plan.members_wanted[name] = wanted
        row_errors: dict[int, list[tuple[str, str]]] = {}
        row_funding: dict[int, tuple[Funding | None, bool]] = {}
        for index, row in enumerate(plan.rows):
            if row.funding is None:
                continue
            stored_row = funding.get((program.pk, row.funding["fiscal_year"])) if program else None
            row.result.seen["funding"] = stored_row.version if stored_row else None
            try:
                row_funding[index] = self._funding_row(instance, stored_row, row.funding)
            except RowErrors as exc:
                row_errors.setdefault(index, []).extend(exc.errors)
        if program is not None and is_approved_data(program):
            needs = {0} if plan.changed else set()
            needs |= {i for i, (_, changed) in row_funding.items() if changed}
            for index in needs:
                try:
                    require_rationale(self.run.rationale_category, self.run.rationale)
                except ValidationError as exc:
                    row_errors.setdefault(index, []).extend(_rationale_errors(exc))
        for index, row in enumerate(plan.rows):
            stale = self._stale(row, "funding")
            if stale:
                row_errors.setdefault(index, []).append(stale)
        for index, row in enumerate(plan.rows):
            notes, changed, added = [], False, False
            if index in row_funding:
                stored_row, funding_changed = row_funding[index]
                fiscal_year = row.funding["fiscal_year"]
                if stored_row.pk is None:
                    notes.append(f"new FY{fiscal_year} funding")
                    added = True
                    plan.funding_new.append(stored_row)
                elif funding_changed:
                    notes.append(f"FY{fiscal_year} funding changed")
                    changed = True
                    plan.funding_changed.append(stored_row)
            if index == 0 and program is None:
                year = f" with FY{row.funding['fiscal_year']} funding" if row.funding else ""
                row.result.outcome, row.result.note = CREATE, f"New program{year}"
                continue
            if index == 0 and plan.changed:
                notes.insert(0, "program details changed")
                changed = True
            row.result.outcome = outcome_of(changed=changed, added=added)
            row.result.note = sentence(notes)
        self._refuse_uneditable(plan, row_funding, row_errors)
        for index, errors in row_errors.items():
            plan.rows[index].result.error(errors)
        plan.failed = bool(row_errors)

    def _refuse_uneditable(self, plan: ProgramPlan, row_funding: dict[int, tuple[Funding, bool]],
                           row_errors: dict[int, list[tuple[str, str]]]) -> None:
        """Refuse the rows that would change a stored program the user may not edit (another
        agency's, or an archived one), as the services do; unchanged rows stay "unchanged",
        so an exported file imports back whoever exported it (README). Adds to ``row_errors``."""
        program = plan.program
        if program is None:
            return
        changing = {0} if plan.changed else set()
        changing |= {i for i, (stored, changed) in row_funding.items() if changed or stored.pk is None}
        if not changing:
            return
        try:
            check_program_editable(self.user, program)
        except (PermissionDenied, ValidationError) as exc:
            for index in changing:
                row_errors.setdefault(index, []).extend(rule_errors(exc, default="code").errors)

    def _program_instance(self, plan: ProgramPlan, data: dict[str, Any], funding_of: dict, measured: dict) -> Program:
        """The program as it will be saved, checked by the services' rules and full_clean();
        moved years must leave none of the stored funding, targets and measurements outside
        them (``program_years_misfits``, the service's rule, over the rows loaded in bulk)."""
        program = plan.program
        try:
            check_country_scope(program or Program(), data)  # no query unless the row names objectives or institutions
            if program is None:
                instance = Program(**{k: data[k] for k in PROGRAM_FIELDS if k in data})
                check_may_create(self.user, instance.lead_agency_id)
            else:  # may the user edit it? Asked once the row is known to change (_refuse_uneditable)
                if program.lead_agency_id != data["lead_agency"].pk:
                    check_program_editable(self.user, program)  # another agency's program: say so first
                    raise RowErrors([("lead_agency", f"program {program.code} is led by {program.lead_agency.code}; "
                                                     "an import does not move a program to another agency")])
                instance = program
                before = {k: getattr(program, k) for k in PROGRAM_FIELDS}
                for key in PROGRAM_FIELDS:
                    if key in data and key != "code":  # matched case-insensitively: keep the stored spelling
                        setattr(instance, key, data[key])
                plan.fields_changed = any(getattr(instance, k) != before[k] for k in PROGRAM_FIELDS)
                years = (before["start_fy"], before["end_fy"])
                if program_years_moved(instance, before=years):
                    targets, measurements = measured.get(program.pk, ([], []))
                    misfits = program_years_misfits(
                        instance,
                        funding=funding_of.get(program.pk, []),
                        targets=targets,
                        measurements=measurements,
                    )
                    program_years_refuse(instance, before=years, misfits=misfits)
            check_membership(instance, data)
            instance.full_clean(exclude=_foreign_keys(Program), validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise RowErrors(validation_errors(exc, default="code")) from exc
        except PermissionDenied as exc:
            column = "lead_agency" if program is None else "code"
            raise RowErrors([(column, str(exc))]) from exc
        return instance

    def _funding_row(self, program: Program, stored: Funding | None, wanted: dict[str, Any]) -> tuple[Funding, bool]:
        """The funding row as it will be saved (stored or new) and whether it changes."""
        try:
            check_funding_year(program, wanted["fiscal_year"])
            row = stored or Funding(program=program, fiscal_year=wanted["fiscal_year"])
            changed = stored is None or any(getattr(stored, n) != wanted[n] for n in FUNDING_FIELDS)
            for name in FUNDING_FIELDS:
                setattr(row, name, wanted[name])
            row.full_clean(exclude=_foreign_keys(Funding), validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise RowErrors(validation_errors(exc, default="fiscal_year")) from exc
        return row, changed

    def _stale(self, row: ProgramRow, record: str) -> tuple[str, str] | None:
        """At confirm: a (column, message) error if the row's ``record`` ("program" or
        "funding") changed since the preview saw it."""
        if self.seen is None or record not in row.result.seen:
            return None
        before = self.seen.get((row.result.table, row.result.row))
        if before is None or before.get(record) == row.result.seen[record]:
            return None
        if record == "program":
            return "code", f"The program {STALE}"
        return "fiscal_year", f"FY{row.funding['fiscal_year']} funding {STALE}"

    def _write(self, plans: list[ProgramPlan], links: dict, author: HistoryAuthor) -> set[int]:
        new = [p for p in plans if p.program is None]
        changed = [p for p in plans if p.program is not None and p.changed]
        for plan in changed:
            plan.instance.version += 1
        history = bulk_insert(Program, [p.instance for p in new], author)
        history += bulk_change(Program, [p.instance for p in changed], [*PROGRAM_FIELDS, "version"], author)
        for name in PROGRAM_M2M_FIELDS:
            wanted = {p.instance.pk: p.members_wanted[name] for p in [*new, *changed] if name in p.members_wanted}
            links[name].update(m2m_links_replace(Program, name, wanted))
        m2m_history_snapshot(Program, history, links)
        funding = nested_rows_write(
            Funding, [(p.instance, p.funding_new, p.funding_changed) for p in plans], "program", FUNDING_FIELDS, author)
        # Nested funding changed under a program whose own fields did not: move its
        # updated_at (sync clients, IATI), as the services do (one UPDATE).
        written = {p.instance.pk for p in [*new, *changed]}
        timestamps_touch(Program, {r.program_id for r in funding} - written)
        return written | {r.program_id for r in funding}


def _measured_rows(program_ids: list[int]) -> dict[int, tuple[list[Target], list[Measurement]]]:
    """The targets and measurements (with their MOE) of programs whose years the file
    moves: program id -> (targets, measurements). Two queries, none without such programs."""
    found: dict[int, tuple[list[Target], list[Measurement]]] = {pk: ([], []) for pk in program_ids}
    if not program_ids:
        return found
    for index, model in enumerate((Target, Measurement)):
        rows = model.objects.filter(moe__program_id__in=program_ids).select_related("moe").order_by("moe_id", "period_end")
        for row in rows:
            found[row.moe.program_id][index].append(row)
    return found


def _foreign_keys(model) -> list[str]:
    """Foreign keys are resolved from the loaded reference data, so full_clean() need not
    look each one up again."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def _rationale_errors(exc: ValidationError) -> list[tuple[str, str]]:
    return [(FORM, f"{m} Set the rationale category and text on the upload form.") for m in exc.messages]

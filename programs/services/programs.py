"""Writes of programs and their funding: the one entry point for pages, API and importer.

Every function checks permissions (programs.permissions), validates with full_clean()
inside one transaction, records history with the acting user and, for edits of approved
data, the rationale; and announces changed rollup inputs (programs.signals).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Funding, Program, ProgramStatus, User
from ..selectors.country_scope import institutions_of_countries, objectives_of_countries
from ..signals import program_data_announce, proposal_decided
from .program_years import program_years_check
from infrastructure.conflicts import StateConflict
from infrastructure.saving import require_rationale, timestamps_touch, validated_save
from infrastructure.versioning import check_version
from .rules import ensure_writable

PROGRAM_M2M_FIELDS = (
    "supporting_agencies",
    "countries",
    "partner_institutions",
    "goals",
    "objectives",
    "sectors",
    "implementing_partners",
)
PROGRAM_FIELDS = (
    "code",
    "title",
    "description",
    "lead_agency",
    "purpose",
    "funding_authority",
    "start_fy",
    "end_fy",
    "is_surge",
    "long_term_objective",
    "sustainment_plan",
)
FUNDING_FIELDS = ("planned", "obligated", "disbursed")


def is_approved_data(program: Program) -> bool:
    """A program past the proposal stage holds approved data: edits need a rationale."""
    return program.status != ProgramStatus.PROPOSED


def _announce(program_ids: Iterable[int]) -> None:
    """The programs' data changed: move their ``updated_at`` (incremental sync, IATI
    ``last-updated-datetime``) and announce it (rollups recompute)."""
    program_ids = sorted(set(program_ids))
    timestamps_touch(Program, program_ids)
    program_data_announce(Program, program_ids)


def _set_m2m(program: Program, data: Mapping[str, Any]) -> bool:
    """Apply many-to-many fields present in ``data``; True if any changed."""
    changed = False
    for name in PROGRAM_M2M_FIELDS:
        if name not in data:
            continue
        wanted = {getattr(v, "pk", v) for v in data[name] or []}
        current = set(getattr(program, name).values_list("pk", flat=True))
        if wanted != current:
            getattr(program, name).set(wanted)
            changed = True
    return changed


def check_membership(program: Program, data: Mapping[str, Any]) -> None:
    """Membership rules (query-free): at least one country when countries are given; the
    lead agency is not also a supporting agency. Raises a field-named ValidationError."""
    if "countries" in data and not data["countries"]:
        raise ValidationError({"countries": "A program serves at least one country."})
    if program.lead_agency_id and "supporting_agencies" in data:
        if any(getattr(a, "pk", a) == program.lead_agency_id for a in data["supporting_agencies"] or []):
            raise ValidationError({"supporting_agencies": "The lead agency cannot also be a supporting agency."})


def _ids(values: Iterable[Any] | None) -> set[int]:
    return {getattr(v, "pk", v) for v in values or []}


def out_of_scope_message(noun: str) -> str:
    """The refusal of a ``noun`` (objective, partner institution) outside the program's countries."""
    return (f"{'An' if noun[0] in 'aeiou' else 'A'} {noun} you chose does not belong to the chosen countries; "
            "choose from the list, which follows them.")


def check_country_scope(program: Program, data: Mapping[str, Any]) -> None:
    """The rule that narrows a program to its countries: objectives (and the long-term
    objective) newly chosen for ``program`` come from strategies for its countries or for
    their regions, partner institutions from those countries (``selectors.country_scope``
    defines what belongs). Its countries are those in ``data``, else its own. Those it
    already has stay, even if its countries change: an edit never drops them unasked.
    Call before ``data`` is applied to ``program``. Raises a field-named ValidationError.
    One query per field that gains members (none when nothing new is chosen)."""
    names = [n for n in ("objectives", "partner_institutions", "long_term_objective") if n in data]
    if not names:
        return
    stored = program.pk is not None
    if "countries" in data:
        country_ids = _ids(data["countries"])
    else:
        country_ids = set(program.countries.values_list("pk", flat=True)) if stored else set()
    wanted = {
        "objectives": _ids(data.get("objectives")),
        "partner_institutions": _ids(data.get("partner_institutions")),
        "long_term_objective": _ids([data["long_term_objective"]] if data.get("long_term_objective") else []),
    }
    had = {
        "objectives": set(program.objectives.values_list("pk", flat=True)) if stored and "objectives" in data else set(),
        "partner_institutions": (set(program.partner_institutions.values_list("pk", flat=True))
                                 if stored and "partner_institutions" in data else set()),
        "long_term_objective": {program.long_term_objective_id} if program.long_term_objective_id else set(),
    }
    in_scope = {"objectives": objectives_of_countries, "long_term_objective": objectives_of_countries,
                "partner_institutions": institutions_of_countries}
    errors = {}
    for name in names:
        new = wanted[name] - had[name]
        if new and set(in_scope[name](country_ids).filter(pk__in=new).values_list("pk", flat=True)) != new:
            errors[name] = out_of_scope_message("partner institution" if name == "partner_institutions" else "objective")
    if errors:
        raise ValidationError(errors)


def check_may_create(user: User, lead_agency_id: int | None) -> None:
    """Only the lead agency's analysts (and administrators) create its programs (query-free
    once the user's groups are cached); PermissionDenied otherwise."""
    permissions.require(
        permissions.can_edit_for_agency(user, lead_agency_id),
        "You may only create programs led by your own agency.",
    )


def check_program_editable(user: User, program: Program) -> None:
    """The user may edit ``program`` and it is not archived (query-free with its lead
    agency loaded). PermissionDenied or ValidationError."""
    permissions.require_program_editor(user, program)
    ensure_writable(program)


def _funding_rows(program: Program, funding: Iterable[Mapping[str, Any]]) -> list[Funding]:
    existing = {f.fiscal_year: f for f in program.funding.select_for_update()}
    rows, seen = [], set()
    for index, item in enumerate(funding):
        fy = item.get("fiscal_year")
        if fy in seen:
            raise ValidationError({"funding": f"Row {index + 1}: FY{fy} appears twice."})
        seen.add(fy)
        row = existing.get(fy) or Funding(program=program, fiscal_year=fy)
        # The stored amounts, to tell changed rows without a query per row.
        row._stored = tuple(getattr(row, name) for name in FUNDING_FIELDS) if row.pk else None
        for name in FUNDING_FIELDS:
            setattr(row, name, item.get(name) if item.get(name) is not None else Decimal("0"))
        rows.append(row)
    return rows


def _funding_row_changed(row: Funding) -> bool:
    stored = getattr(row, "_stored", None)
    if stored is None:
        return True
    return any(Decimal(str(old)) != Decimal(str(getattr(row, name))) for old, name in zip(stored, FUNDING_FIELDS))


def check_funding_year(program: Program, fiscal_year: int | None) -> None:
    """A funding year inside the program's years (query-free); else a ValidationError on
    ``fiscal_year`` (HTTP 400 in the API: the year sent is wrong for the program it names)."""
    if fiscal_year is None:
        return
    if not program.start_fy <= fiscal_year <= program.end_fy:
        raise ValidationError(
            {"fiscal_year": f"FY{fiscal_year} is outside the program's years FY{program.start_fy}-FY{program.end_fy}."}
        )


def _save_funding(program: Program, rows: list[Funding], *, user: User, rationale_category: str, rationale: str) -> bool:
    changed = False
    for row in rows:
        check_funding_year(program, row.fiscal_year)
        if row.pk:
            if not _funding_row_changed(row):
                continue
            row.version += 1
        try:
            validated_save(row, user=user, rationale_category=rationale_category, rationale=rationale, exclude=["program"])
        except ValidationError as exc:
            raise ValidationError({"funding": [f"FY{row.fiscal_year}: {m}" for m in exc.messages]}) from exc
        changed = True
    return changed


@transaction.atomic
def program_create(
    *, user: User, data: Mapping[str, Any], funding: Iterable[Mapping[str, Any]] = ()
) -> Program:
    """Create a program (status proposed unless given) with its memberships and funding."""
    program = Program(**{k: data[k] for k in PROGRAM_FIELDS if k in data})
    if "status" in data:
        program.status = data["status"]
    if program.lead_agency_id is None:
        raise ValidationError({"lead_agency": "Choose the lead agency."})
    check_may_create(user, program.lead_agency_id)
    check_membership(program, data)
    if "countries" not in data:
        raise ValidationError({"countries": "A program serves at least one country."})
    check_country_scope(Program(), data)
    validated_save(program, user=user)
    _set_m2m(program, data)
    _save_funding(program, _funding_rows(program, funding), user=user, rationale_category="", rationale="")
    _announce([program.pk])
    return program


@transaction.atomic
def program_update(
    *,
    user: User,
    program: Program,
    data: Mapping[str, Any],
    version: int | None,
    funding: Iterable[Mapping[str, Any]] | None = None,
    rationale_category: str = "",
    rationale: str = "",
) -> Program:
    """Update fields, memberships and (if given) funding rows of a program.

    Refused when the program (or what it belongs to) is archived, when it would change and
    ``version`` is missing or stale (StaleVersionError; the funding rows sent here are part
    of the program and covered by its version), when the user may not edit the program, or
    when approved data changes without a rationale.
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    check_program_editable(user, program)
    if "lead_agency" in data and getattr(data["lead_agency"], "pk", data["lead_agency"]) != program.lead_agency_id:
        permissions.require(
            permissions.is_administrator(user), "Only an administrator may move a program to another agency."
        )
    check_country_scope(program, data)
    before = {k: getattr(program, k) for k in PROGRAM_FIELDS}
    for key in PROGRAM_FIELDS:
        if key in data:
            setattr(program, key, data[key])
    check_membership(program, data)
    program_years_check(program, before=(before["start_fy"], before["end_fy"]))
    fields_changed = any(getattr(program, k) != before[k] for k in PROGRAM_FIELDS)
    funding_rows = _funding_rows(program, funding) if funding is not None else []
    funding_changes = any(not row.pk or _funding_row_changed(row) for row in funding_rows)
    m2m_changes = any(
        name in data
        and {getattr(v, "pk", v) for v in data[name] or []} != set(getattr(program, name).values_list("pk", flat=True))
        for name in PROGRAM_M2M_FIELDS
    )
    if not (fields_changed or funding_changes or m2m_changes):
        return program  # nothing changes, so nothing can be lost: no version needed
    check_version(program, version)
    if is_approved_data(program):
        require_rationale(rationale_category, rationale)
    program.version += 1
    validated_save(program, user=user, rationale_category=rationale_category, rationale=rationale)
    _set_m2m(program, data)
    _save_funding(program, funding_rows, user=user, rationale_category=rationale_category, rationale=rationale)
    _announce([program.pk])
    return program


@transaction.atomic
def funding_set(
    *,
    user: User,
    program: Program,
    fiscal_year: int,
    planned: Decimal,
    obligated: Decimal,
    disbursed: Decimal,
    version: int | None = None,
    rationale_category: str = "",
    rationale: str = "",
) -> Funding:
    """Create or update one fiscal year's funding of a program.

    ``version`` is the version of that year's row the writer read; None (or 0) means "no
    row yet". A change over a row with another version is refused (StaleVersionError), as
    is any change to an archived program (ValidationError).
    """
    program = Program.objects.select_for_update().get(pk=program.pk)
    permissions.require_program_editor(user, program)
    ensure_writable(program)
    row = program.funding.select_for_update().filter(fiscal_year=fiscal_year).first()
    if row is not None and (row.planned, row.obligated, row.disbursed) == (planned, obligated, disbursed):
        return row
    check_version(row, version)
    if row is not None:
        if is_approved_data(program):
            require_rationale(rationale_category, rationale)
        row.version += 1
    else:
        row = Funding(program=program, fiscal_year=fiscal_year)
    check_funding_year(program, fiscal_year)
    row.planned, row.obligated, row.disbursed = planned, obligated, disbursed
    validated_save(row, user=user, rationale_category=rationale_category, rationale=rationale, exclude=["program"])
    _announce([program.pk])
    return row


def program_actual_dates_follow(program: Program, *, today) -> None:
    """Set the actual start (the first time the program becomes active: kept through
    reviews and restructuring) and the actual end (when completed or terminated) from
    ``program.status``, just changed. IATI ``activity-date`` types 2 and 4. No query."""
    if program.status == ProgramStatus.ACTIVE and program.actual_start_date is None:
        program.actual_start_date = today
    if program.status in (ProgramStatus.COMPLETED, ProgramStatus.TERMINATED):
        program.actual_end_date = today
    elif program.actual_end_date is not None:
        program.actual_end_date = None  # running again


# Lifecycle: action -> (statuses it starts from, resulting status, who may take it).
EDITOR, MANAGER = "editor", "manager"
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "approve": ((ProgramStatus.PROPOSED,), ProgramStatus.APPROVED, MANAGER),
    "start": ((ProgramStatus.APPROVED,), ProgramStatus.ACTIVE, EDITOR),
    "review": ((ProgramStatus.ACTIVE, ProgramStatus.RESTRUCTURED), ProgramStatus.UNDER_REVIEW, EDITOR),
    "continue": ((ProgramStatus.UNDER_REVIEW,), ProgramStatus.ACTIVE, MANAGER),
    "restructure": ((ProgramStatus.UNDER_REVIEW,), ProgramStatus.RESTRUCTURED, MANAGER),
    "terminate": (
        (ProgramStatus.PROPOSED, ProgramStatus.APPROVED, ProgramStatus.ACTIVE, ProgramStatus.UNDER_REVIEW, ProgramStatus.RESTRUCTURED),
        ProgramStatus.TERMINATED,
        MANAGER,
    ),
    "complete": ((ProgramStatus.ACTIVE, ProgramStatus.UNDER_REVIEW, ProgramStatus.RESTRUCTURED), ProgramStatus.COMPLETED, EDITOR),
}


def allowed_transitions(user: User, program: Program) -> list[str]:
    """The lifecycle actions ``user`` may take on ``program`` now (for buttons)."""
    if program.is_archived:
        return []
    return [
        action
        for action, (sources, _, who) in TRANSITIONS.items()
        if program.status in sources and _may_transition(user, program, who)
    ]


def _may_transition(user: User, program: Program, who: str) -> bool:
    if who == MANAGER:
        return permissions.is_manager(user)
    return permissions.can_edit_program(user, program) or permissions.is_manager(user)


@transaction.atomic
def program_transition(
    *, user: User, program: Program, action: str, reason: str, version: int | None = None
) -> Program:
    """Move a program through its lifecycle by an explicit action, recording who, when and why."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": f"Unknown action '{action}'."})
    program = Program.objects.select_for_update().get(pk=program.pk)
    sources, target, who = TRANSITIONS[action]
    permissions.require(
        _may_transition(user, program, who),
        f"Only {'managers' if who == MANAGER else 'the lead agency or managers'} may {action} a program.",
    )
    ensure_writable(program)
    check_version(program, version)
    if program.status not in sources:
        raise StateConflict(
            {"action": f"A program that is {program.get_status_display().lower()} cannot be moved by '{action}'."}
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the program's status changes."})
    was_proposed = program.status == ProgramStatus.PROPOSED
    program.status = target
    program.status_changed_at = timezone.now()
    program_actual_dates_follow(program, today=timezone.localdate())
    program.version += 1
    validated_save(program, user=user, rationale_category="", rationale=f"{action}: {reason.strip()}")
    _announce([program.pk])
    if was_proposed:
        proposal_decided.send(sender=Program, program=program, action=action, reason=reason.strip())
    return program


# Statuses a program may be archived from without a reason: it never ran or was funded
# beyond a proposal, so archiving it removes nothing anyone decided on.
ARCHIVE_WITHOUT_REASON = frozenset({ProgramStatus.PROPOSED})


def archive_reason_error(status: str, reason: str) -> str | None:
    """The archive rule (one definition): archiving a program that is past its proposal
    (approved, active, under review, restructured, terminated, completed) needs a reason,
    as every lifecycle action does. Returns the message for the ``reason`` field, or None."""
    if status in ARCHIVE_WITHOUT_REASON or (reason or "").strip():
        return None
    return (f"Say why this {ProgramStatus(status).label.lower()} program is archived: "
            "a reason is required for any program past its proposal.")


@transaction.atomic
def program_archive(*, user: User, program: Program, version: int | None, reason: str = "") -> Program:
    """Archive instead of delete: hidden by default, restorable by a manager. ``version`` is
    the one the user read (missing or stale: StaleVersionError); archiving an archived
    program changes nothing and needs none. A program past its proposal needs a ``reason``
    (:func:`archive_reason_error`; ValidationError on ``reason``), shown as the history's Why."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    permissions.require(
        permissions.can_edit_program(user, program) or permissions.is_manager(user),
        f"Only analysts of {program.lead_agency.code} or managers may archive {program.code}.",
    )
    if program.is_archived:
        return program
    check_version(program, version)
    problem = archive_reason_error(program.status, reason)
    if problem:
        raise ValidationError({"reason": problem})
    program.archived_at, program.archived_by = timezone.now(), user
    program.version += 1
    validated_save(program, user=user, rationale=f"archived: {(reason or '').strip()}".strip(": "))
    _announce([program.pk])
    return program


@transaction.atomic
def program_restore(*, user: User, program: Program, version: int | None, reason: str = "") -> Program:
    """Bring an archived program back (managers); ``version`` as for archiving."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    permissions.require(permissions.can_restore(user), "Only managers may restore archived programs.")
    if not program.is_archived:
        return program
    check_version(program, version)
    program.archived_at, program.archived_by = None, None
    program.version += 1
    validated_save(program, user=user, rationale=f"restored: {reason}".strip(": "))
    _announce([program.pk])
    return program

"""Who may do what: the portal's permission rules, in one place, as ``rules`` predicates.

Roles are Django groups. Analysts edit only records of their own agency; managers read
everything, approve, decide reviews, set priority tiers and restore archived records;
administrators may do everything. Services call these before every write, so pages, the
API and the importer enforce the same rules; views call the same predicates to decide
what to offer. A predicate takes the user (and, for rules about one record, the record)
and returns a bool; predicates combine with ``|`` and ``&``.
"""
from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied

ANALYST = "Analyst"
MANAGER = "Manager"
ADMINISTRATOR = "Administrator"
ROLES = (ANALYST, MANAGER, ADMINISTRATOR)


def _groups(user) -> set[str]:
    """The user's role names, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._portal_groups = cached
    return cached


@rules.predicate
def is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or ADMINISTRATOR in _groups(user)


@rules.predicate
def _in_manager_group(user) -> bool:
    return MANAGER in _groups(user)


@rules.predicate
def is_analyst(user) -> bool:
    return ANALYST in _groups(user)


# Managers and administrators hold approval rights.
is_manager = is_administrator | _in_manager_group

# Analysts and managers keep the shared records, assessments and finding acknowledgments.
can_keep_records = is_analyst | is_manager

# Analysts create programs and import spreadsheets for their agency; administrators too.
can_create_programs = is_analyst | is_administrator

can_approve = is_manager
can_restore = is_manager


def role_names(user) -> list[str]:
    """The user's roles in display order (a superuser counts as administrator)."""
    names = [role for role in ROLES if role in _groups(user)]
    if getattr(user, "is_superuser", False) and ADMINISTRATOR not in names:
        names.append(ADMINISTRATOR)
    return names


def can_edit_for_agency(user, agency_id: int | None) -> bool:
    """Whether ``user`` may edit a record owned by the agency ``agency_id``."""
    if is_administrator(user):
        return True
    return bool(is_analyst(user) and agency_id is not None and user.agency_id == agency_id)


@rules.predicate
def can_edit_program(user, program) -> bool:
    """An analyst of the program's lead agency, or an administrator."""
    return can_edit_for_agency(user, program.lead_agency_id)


# Evaluations of a program: its editors and managers.
can_record_evaluation = can_edit_program | is_manager


@rules.predicate
def _is_author(user, record) -> bool:
    return record.created_by_id == getattr(user, "id", None)


# An assessment: its author or a manager (who must also keep records).
can_edit_assessment = can_keep_records & (_is_author | is_manager)


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied (HTTP 403 in pages and the API) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def require_program_editor(user, program) -> None:
    require(
        can_edit_program(user, program),
        f"Only analysts of {program.lead_agency.code} may edit program {program.code}.",
    )


def require_program_writer(user, action: str) -> None:
    """Analysts and administrators only (whose agency's programs they may write is then the
    record's question: ``require_program_editor``); ``action`` says what ("record measurements")."""
    require(can_create_programs(user), f"Only analysts and administrators may {action}.")


def require_program_transitioner(user, program) -> None:
    """The program's editors and managers move programs through their lifecycle (which
    moves need a manager is the service's question, by the move)."""
    require(
        can_edit_program(user, program) or is_manager(user),
        f"Only analysts of {program.lead_agency.code} or managers may move program {program.code}.",
    )


def require_manager(user, action: str) -> None:
    require(is_manager(user), f"Only managers may {action}.")


def require_record_keeper(user, what: str) -> None:
    """Analysts and managers only: ``what`` names the records ("partner institutions")."""
    require(can_keep_records(user), f"Only analysts and managers may {what}.")


def require_evaluation_recorder(user, program) -> None:
    require(
        can_record_evaluation(user, program),
        f"Only analysts of {program.lead_agency.code} or managers may record evaluations of {program.code}.",
    )


def require_assessment_keeper(user) -> None:
    """Analysts and managers keep assessments (which one they may edit is
    ``require_assessment_editor``'s question)."""
    require_record_keeper(user, "edit assessments")


def require_assessment_editor(user, assessment) -> None:
    require_assessment_keeper(user)
    require(can_edit_assessment(user, assessment), "Only the author or a manager may edit this assessment.")

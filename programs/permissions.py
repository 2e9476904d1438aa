"""Who may do what: the portal's permission rules, in one place.

Roles are Django groups. Analysts edit only records of their own agency; managers read
everything, approve, decide reviews, set priority tiers and restore archived records;
administrators may do everything. Services call these before every write, so pages, the
API and the importer enforce the same rules.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

ANALYST = "Analyst"
MANAGER = "Manager"
ADMINISTRATOR = "Administrator"
ROLES = (ANALYST, MANAGER, ADMINISTRATOR)


def _groups(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_portal_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._portal_groups = cached
    return cached


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or ADMINISTRATOR in _groups(user)


def is_manager(user) -> bool:
    """Managers and administrators hold approval rights."""
    return is_administrator(user) or MANAGER in _groups(user)


def is_analyst(user) -> bool:
    return ANALYST in _groups(user)


def role_names(user) -> list[str]:
    names = [role for role in ROLES if role in _groups(user)]
    if getattr(user, "is_superuser", False) and ADMINISTRATOR not in names:
        names.append(ADMINISTRATOR)
    return names


def can_edit_for_agency(user, agency_id: int | None) -> bool:
    """Whether ``user`` may edit a record owned by the agency ``agency_id``."""
    if is_administrator(user):
        return True
    return is_analyst(user) and agency_id is not None and user.agency_id == agency_id


def can_edit_program(user, program) -> bool:
    return can_edit_for_agency(user, program.lead_agency_id)


def can_approve(user) -> bool:
    return is_manager(user)


def can_restore(user) -> bool:
    return is_manager(user)


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied (HTTP 403 in pages and the API) unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def require_program_editor(user, program) -> None:
    require(
        can_edit_program(user, program),
        f"Only analysts of {program.lead_agency.code} may edit program {program.code}.",
    )


def require_manager(user, action: str) -> None:
    require(is_manager(user), f"Only managers may {action}.")

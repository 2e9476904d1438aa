"""Stored records read in bulk by their natural keys, for the MOE and measurement tables:
one query per table, whatever the number of rows.

Natural keys: a program by its code, an MOE by (program, name), both case-insensitive;
archived MOEs are not matched (a row naming one creates a new MOE, as the pages do).
"""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.functions import Lower, Upper

from .. import permissions
from ..models import MeasureOfEffectiveness, Program, User
from ..services.rules import ensure_writable
from .outcomes import RowErrors, validation_errors


def programs_by_code(codes: Iterable[str]) -> dict[str, Program]:
    """Upper-case code -> program (with its lead agency): one query."""
    codes = sorted({c.upper() for c in codes})
    if not codes:
        return {}
    found = Program.objects.select_related("lead_agency").annotate(code_key=Upper("code")).filter(code_key__in=codes)
    return {p.code_key: p for p in found}


def moes_by_name(programs: Iterable[Program], names: Iterable[str], *, lock: bool = False) -> dict[tuple[int, str], list[MeasureOfEffectiveness]]:
    """(program id, lower-case name) -> the program's unarchived MOEs of that name, oldest
    first, each with ``program`` set to the loaded program (so the services' rules issue
    no query). One query; ``lock`` takes row locks for the rest of the transaction."""
    by_pk = {p.pk: p for p in programs}
    names = sorted({n.lower() for n in names})
    if not by_pk or not names:
        return {}
    found: dict[tuple[int, str], list[MeasureOfEffectiveness]] = {}
    moes = MeasureOfEffectiveness.objects.annotate(name_key=Lower("name")).filter(
        program_id__in=list(by_pk), name_key__in=names, archived_at__isnull=True
    ).order_by("program_id", "id")
    if lock:
        moes = moes.select_for_update()
    for moe in moes:
        moe.program = by_pk[moe.program_id]
        found.setdefault((moe.program_id, moe.name_key), []).append(moe)
    return found


def stored_program(programs: dict[str, Program], code: str, column: str) -> Program:
    """The stored program of ``code``; else RowErrors on ``column``. Whether the user may
    change its data is asked only of rows that change it (:func:`require_program_importer`),
    so an exported file imports back "unchanged" whoever exported it."""
    program = programs.get(code.upper())
    if program is None:
        raise RowErrors([(column, f"no program has the code '{code}'; import the program first or check the code")])
    return program


def require_program_importer(user: User, program: Program, column: str) -> None:
    """RowErrors on ``column`` unless ``user`` may change ``program``'s data (its agency's
    analysts, as ``permissions.can_edit_program``)."""
    if not permissions.can_edit_program(user, program):
        raise RowErrors([(column, f"program {program.code} is led by {program.lead_agency.code}; "
                                  "you may only import data of your own agency's programs")])


def rule_errors(exc: ValidationError | PermissionDenied, *, default: str) -> RowErrors:
    """A service rule's refusal as the row's errors, naming the column (``default`` for a
    non-field error)."""
    if isinstance(exc, PermissionDenied):
        return RowErrors([(default, str(exc))])
    return RowErrors(validation_errors(exc, default=default))


def writable(record, *, default: str) -> None:
    """``ensure_writable`` (archived records and their children are read-only) as RowErrors."""
    try:
        ensure_writable(record)
    except ValidationError as exc:
        raise rule_errors(exc, default=default) from exc

"""Managers' decisions on many submitted values at once: approve or return a selection
(or everything a filter matches, once the manager has confirmed that set) with one
reason, in one transaction.

The same rules as one value at a time (``services.measures.measurement_approve`` and
``measurement_return``): managers only, submitted values only, not under an archived
MOE or program, the version each value had on the manager's page, and four eyes (whoever
last changed a value may not approve it). A value that breaks a rule refuses the whole
decision, naming how many and why; nothing is half-decided. Every value gets its own
history row (author, time, "approved" or "returned: <reason>"). Set-based: a fixed number
of queries whatever the number of values (lock and read, one update, one history insert,
then the announcements and one notification per author).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import MeasureOfEffectiveness, Measurement, MeasurementStatus, Program, User
from ..signals import measurements_returned, program_data_announce
from .rules import archived_ancestor
from infrastructure.bulk_update import rows_update
from infrastructure.conflicts import StateConflict
from infrastructure.saving import timestamps_touch
from infrastructure.versioning import version_conflict
from infrastructure.wording import counted

APPROVE, RETURN = "approve", "return"
DECISIONS = (APPROVE, RETURN)


# The longest reason the queue's form states and the service accepts (never cut).
REASON_MAX_LENGTH = 1000

def measurements_decide_check(user: User) -> None:
    """PermissionDenied unless ``user`` may approve or return measurements (managers):
    :func:`measurements_decide` and the queue's decide page check it first."""
    permissions.require_manager(user, "approve or return measurements")


@transaction.atomic
def measurements_decide(
    *,
    user: User,
    ids: Iterable[int],
    decision: str,
    reason: str = "",
    versions: Mapping[int, int] | None = None,
) -> int:
    """Approve or return the submitted measurements ``ids`` with one ``reason`` (required
    to return, optional to approve). ``versions`` maps an id to the version the manager
    saw (the queue's checkboxes) or confirmed (a decision on "all matching the filter":
    the versions of ``selectors.measures.approval_set``); without it versions are not
    compared. Returns how many were decided.

    Raises PermissionDenied (not a manager), ValidationError (unknown decision, no reason
    to return, an archived MOE or program) or StateConflict (a value no longer submitted,
    a stale version, four eyes), deciding nothing.
    """
    measurements_decide_check(user)
    reason = decision_reason(decision, reason)
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise ValidationError({"ids": "Select at least one value."})
    rows = list(
        Measurement.objects.select_for_update(of=("self",)).select_related("moe__program")
        .filter(pk__in=ids).order_by("pk")
    )
    _check(user, rows, ids, decision, versions)
    now = timezone.now()
    for m in rows:
        m.version += 1
        m.updated_at = now
        if decision == APPROVE:
            m.status, m.approved_by, m.approved_at = MeasurementStatus.APPROVED, user, now
        else:
            m.status, m.return_reason = MeasurementStatus.RETURNED, reason
    fields = ["status", "version", "updated_at"] + (["approved_by", "approved_at"] if decision == APPROVE else ["return_reason"])
    rationale = (f"approved: {reason}" if reason else "approved") if decision == APPROVE else f"returned: {reason}"
    rows_update(Measurement, rows, fields)  # one join to the new values (bulk_update's CASE costs n * n)
    Measurement.history.bulk_history_create(rows, update=True, default_user=user, default_change_reason=rationale,
                                            default_date=now)
    if decision == APPROVE:
        # Approved values count in rollups: move the programs' sync stamps and recompute.
        program_ids = sorted({m.moe.program_id for m in rows})
        timestamps_touch(Program, program_ids)
        program_data_announce(MeasureOfEffectiveness, program_ids)
    else:
        measurements_returned.send(sender=Measurement, measurements=rows, reason=reason)
    return len(rows)


def decision_reason(decision: str, reason: str) -> str:
    """The ``reason`` a ``decision`` ("approve" or "return") is recorded with, stripped.
    Raises ValidationError on an unknown decision, a return without a reason, or a reason
    over ``REASON_MAX_LENGTH`` characters (refused, never cut). Pages ask it before they
    show a confirmation, so a decision that would be refused is never offered."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": "Choose approve or return."})
    reason = (reason or "").strip()
    if decision == RETURN and not reason:
        raise ValidationError({"reason": "Say what needs revising before returning the values."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"Reason: up to {REASON_MAX_LENGTH:,} characters (it has {len(reason):,}). "
                                         "Nothing was decided."})
    return reason


def _check(user: User, rows: list[Measurement], ids: list[int], decision: str, versions: Mapping[int, int] | None) -> None:
    """Every rule over the locked rows, in memory; the first broken one refuses them all."""
    verb = "approved" if decision == APPROVE else "returned"
    gone = len(ids) - len(rows)
    not_submitted = [m for m in rows if m.status != MeasurementStatus.SUBMITTED]
    if gone or not_submitted:
        raise StateConflict({"status": f"{counted(gone + len(not_submitted), 'value')} of the selection "
                                       f"{'is' if gone + len(not_submitted) == 1 else 'are'} no longer waiting for approval "
                                       f"(decided or changed meanwhile). Nothing was {verb}; reload the queue."})
    archived = [m for m in rows if archived_ancestor(m) is not None]
    if archived:
        raise ValidationError(f"{counted(len(archived), 'value')} belong to an archived MOE or program. Nothing was {verb}.")
    if versions is not None:
        stale = [m for m in rows if version_conflict(m, versions.get(m.pk))]
        if stale:
            raise StateConflict({"version": f"{counted(len(stale), 'value')} changed since you loaded the page "
                                            f"({', '.join(f'{m.moe.name} {m.period}' for m in stale[:5])}"
                                            f"{' ...' if len(stale) > 5 else ''}). Nothing was {verb}; reload the queue."})
    if decision == APPROVE:
        own = [m for m in rows if m.entered_by_id == user.pk]
        if own:
            raise ValidationError({"__all__": f"You last changed {counted(len(own), 'value')} of the selection, so another manager "
                                            f"must approve {'it' if len(own) == 1 else 'them'} (four eyes). Nothing was approved; "
                                            "leave them out of the selection."}, code="four_eyes")

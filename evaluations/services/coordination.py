"""Acknowledging coordination findings, one or many with one note (the findings
themselves are selectors)."""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from infrastructure.conflicts import StateConflict
from programs import permissions
from programs.models import User

from ..models import FindingAcknowledgement
from ..selectors.coordination import CHECKS
from infrastructure.dates import date_text


@transaction.atomic
def findings_acknowledge(*, user: User, findings: Iterable[tuple[str, str]], note: str) -> int:
    """Mark findings ((check name, fingerprint) pairs) as known, all with one note; returns
    how many were newly acknowledged. The fingerprint covers a finding's data, so the same
    finding with changed data is a new one and shows again.

    An acknowledgement is written once ("expected absent"): a finding another reviewer
    acknowledged meanwhile with another note refuses the whole action (StateConflict,
    naming who acknowledged it and how) instead of overwriting their note; one already
    acknowledged with the same note changes nothing. A fixed number of queries whatever
    the number of findings (read, insert with history rows). Raises ValidationError
    (unknown check or finding, no note) acknowledging nothing."""
    permissions.require_record_keeper(user, "acknowledge findings")
    pairs = sorted(set(findings))
    if not pairs:
        raise ValidationError({"findings": "Select at least one finding."})
    for check_name, fingerprint in pairs:
        if check_name not in CHECKS:
            raise ValidationError({"check_name": f"Unknown check '{check_name}'."})
        if not fingerprint or len(fingerprint) > 64:
            raise ValidationError({"fingerprint": "Unknown finding."})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why this finding is acceptable or what is being done."})
    # The field rules (length, control characters) once: every row carries the same note.
    FindingAcknowledgement(check_name=pairs[0][0], fingerprint=pairs[0][1], note=note,
                           acknowledged_by=user).clean_fields(exclude=["acknowledged_at"])
    wanted = Q()
    for check_name, fingerprint in pairs:
        wanted |= Q(check_name=check_name, fingerprint=fingerprint)
    existing = {
        (a.check_name, a.fingerprint): a
        for a in FindingAcknowledgement.objects.select_for_update().select_related("acknowledged_by").filter(wanted)
    }
    for stored in existing.values():
        if stored.note != note:
            raise StateConflict({"note": (
                f"{stored.acknowledged_by.get_username()} acknowledged this finding on "
                f"{date_text(stored.acknowledged_at)} (“{stored.note}”) after the list was shown. Nothing was saved."
            )})
    now = timezone.now()
    new = [FindingAcknowledgement(check_name=c, fingerprint=f, note=note, acknowledged_by=user, acknowledged_at=now)
           for c, f in pairs if (c, f) not in existing]
    bulk_create_with_history(new, FindingAcknowledgement, default_user=user, default_date=now)
    return len(new)


def finding_acknowledge(*, user: User, check_name: str, fingerprint: str, note: str) -> FindingAcknowledgement:
    """Mark one finding as known, with a note (``findings_acknowledge`` of one)."""
    findings_acknowledge(user=user, findings=[(check_name, fingerprint)], note=note)
    return FindingAcknowledgement.objects.get(check_name=check_name, fingerprint=fingerprint)

"""Acknowledging coordination findings (the findings themselves are selectors)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from infrastructure.conflicts import StateConflict
from infrastructure.saving import validated_save
from programs import permissions
from programs.models import User

from ..models import FindingAcknowledgement
from ..selectors.coordination import CHECKS


@transaction.atomic
def finding_acknowledge(*, user: User, check_name: str, fingerprint: str, note: str) -> FindingAcknowledgement:
    """Mark a finding as known, with a note. The fingerprint covers the finding's data,
    so the same finding with changed data is a new one and shows again.

    An acknowledgement is written once ("expected absent"): a second reviewer who
    acknowledges the same finding meanwhile is refused (StateConflict, naming who
    acknowledged it and how) instead of overwriting their note; the same note again
    changes nothing."""
    permissions.require_record_keeper(user, "acknowledge findings")
    if check_name not in CHECKS:
        raise ValidationError({"check_name": f"Unknown check '{check_name}'."})
    if not (note or "").strip():
        raise ValidationError({"note": "Say why this finding is acceptable or what is being done."})
    if not fingerprint or len(fingerprint) > 64:
        raise ValidationError({"fingerprint": "Unknown finding."})
    note = note.strip()
    stored = (
        FindingAcknowledgement.objects.select_for_update().select_related("acknowledged_by")
        .filter(check_name=check_name, fingerprint=fingerprint).first()
    )
    if stored is not None:
        if stored.note == note:
            return stored  # nothing changes, so nothing can be lost
        raise StateConflict({"note": (
            f"{stored.acknowledged_by.get_username()} acknowledged this finding on "
            f"{stored.acknowledged_at:%Y-%m-%d} (“{stored.note}”) after the list was shown. Nothing was saved."
        )})
    return validated_save(
        FindingAcknowledgement(check_name=check_name, fingerprint=fingerprint, note=note, acknowledged_by=user),
        user=user,
    )

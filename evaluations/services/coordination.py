"""Acknowledging coordination findings (the findings themselves are selectors)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from programs import permissions
from programs.models import User

from ..models import FindingAcknowledgement
from ..selectors.coordination import CHECKS


@transaction.atomic
def finding_acknowledge(*, user: User, check_name: str, fingerprint: str, note: str) -> FindingAcknowledgement:
    """Mark a finding as known, with a note. The fingerprint covers the finding's data,
    so the same finding with changed data is a new one and shows again."""
    permissions.require_record_keeper(user, "acknowledge findings")
    if check_name not in CHECKS:
        raise ValidationError({"check_name": f"Unknown check '{check_name}'."})
    if not (note or "").strip():
        raise ValidationError({"note": "Say why this finding is acceptable or what is being done."})
    if not fingerprint or len(fingerprint) > 64:
        raise ValidationError({"fingerprint": "Unknown finding."})
    acknowledgement, _ = FindingAcknowledgement.objects.update_or_create(
        check_name=check_name, fingerprint=fingerprint,
        defaults={"note": note.strip(), "acknowledged_by": user},
    )
    return acknowledgement

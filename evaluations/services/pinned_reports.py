"""Pinned target-vs-actual reports: a user saves a report's subject and layout under a
name to open it again later (personal, so no history is kept)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict

from infrastructure.saving import validated_save

from ..forms import TargetVsActualForm
from ..models import PinnedReport

PINNED_LIMIT = 50


def pinned_query(query: str) -> str:
    """The part of a report's query string worth keeping: the report form's own fields,
    without the page number or an export format."""
    keep = set(TargetVsActualForm.base_fields) - {"page"}
    return urlencode([(key, value) for key, value in parse_qsl(query) if key in keep and value])


def pinned_report_save(*, user, name: str, query: str) -> PinnedReport:
    """Pin the report ``query`` under ``name`` for ``user`` (the same name again replaces
    it). Raises ValidationError (field ``name`` or ``query``) for an invalid report or
    more than ``PINNED_LIMIT`` pins."""
    query = pinned_query(query)
    form = TargetVsActualForm(QueryDict(query))
    if not query or not form.is_valid():
        raise ValidationError({"query": "Show a report first, then pin it."})
    with transaction.atomic():
        pinned = PinnedReport.objects.select_for_update().filter(user=user, name=name.strip()).first()
        if pinned is None:
            if PinnedReport.objects.filter(user=user).count() >= PINNED_LIMIT:
                raise ValidationError({"name": f"You have {PINNED_LIMIT} pinned reports; remove one first."})
            pinned = PinnedReport(user=user, name=name.strip())
        pinned.query = query
        return validated_save(pinned, user=user)


def pinned_report_delete(*, user, pk: int) -> None:
    """Remove one of ``user``'s pinned reports; raises PinnedReport.DoesNotExist for
    anyone else's (it is not theirs to see)."""
    PinnedReport.objects.get(user=user, pk=pk).delete()

"""Reads of program reviews shared by every page that counts or lists what waits for a
manager's decision (the review queue, the home page's crisis card, the country dashboard,
the country brief)."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import ProgramReview

# The one definition of "pending review": undecided (``decision`` empty) and of a program
# that is not archived (an archived program is read-only, so its review cannot be decided
# until a manager restores it). A filter on ProgramReview, for querysets that need it as
# a condition (the API's ``pending`` filter); lists start from ``reviews_pending``.
PENDING_REVIEW = Q(decision="", program__archived_at__isnull=True)


def reviews_pending() -> QuerySet[ProgramReview]:
    """Reviews awaiting a decision (``PENDING_REVIEW``). Unordered, without joins:
    callers add their filters, joins and order."""
    return ProgramReview.objects.filter(PENDING_REVIEW)

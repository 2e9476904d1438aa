"""Program reviews and crisis events (read-only)."""
from programs.models import CrisisEvent, ProgramReview

from .. import filters
from ..serializers.oversight import CrisisEventSerializer, ProgramReviewSerializer
from .base import ReadOnlyPortalViewSet


class ProgramReviewViewSet(ReadOnlyPortalViewSet):
    """Reviews of programs in the annual cycle or out of cycle, and their decisions."""

    queryset = ProgramReview.objects.select_related("cycle", "decided_by")
    serializer_class = ProgramReviewSerializer
    filterset_class = filters.ReviewFilter
    ordering_fields = ["id", "created_at", "decided_at", "updated_at"]


class CrisisEventViewSet(ReadOnlyPortalViewSet):
    """Crises in partner countries; recording one puts its active programs under review."""

    queryset = CrisisEvent.objects.select_related("country")
    serializer_class = CrisisEventSerializer
    filterset_class = filters.CrisisEventFilter
    ordering_fields = ["id", "occurred_on", "updated_at"]

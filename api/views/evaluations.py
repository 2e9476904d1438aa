"""Rollups, evaluations and recommendations, coordination findings (read-only)."""
from __future__ import annotations

from django import forms
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.exceptions import ValidationError

from evaluations.models import Evaluation, Recommendation
from evaluations.selectors.coordination import CHECKS, coordination_findings
from evaluations.selectors.rollups import country_rollups, goal_rollups, program_rollups, region_rollups

from .. import filters
from ..filter_backend import query_errors
from ..serializers.evaluations import (
    CoordinationFindingSerializer,
    CountryRollupSerializer,
    EvaluationSerializer,
    GoalRollupSerializer,
    ProgramRollupSerializer,
    RecommendationSerializer,
    RegionRollupSerializer,
)
from .base import PortalViewSet, ReadOnlyPortalViewSet
from infrastructure.forms import PortalForm


class ProgramRollupViewSet(ReadOnlyPortalViewSet):
    """MOE achievement per program: weighted mean of its MOEs' capped latest achievement."""

    queryset = program_rollups()
    serializer_class = ProgramRollupSerializer
    filterset_class = filters.ProgramRollupFilter
    ordering_fields = ["achievement", "computed_at"]


class CountryRollupViewSet(ReadOnlyPortalViewSet):
    """Achievement per country, weighted by obligated funding over the current window."""

    queryset = country_rollups()
    serializer_class = CountryRollupSerializer
    filterset_class = filters.CountryRollupFilter
    ordering_fields = ["achievement", "computed_at"]


class RegionRollupViewSet(ReadOnlyPortalViewSet):
    queryset = region_rollups()
    serializer_class = RegionRollupSerializer
    filterset_class = filters.RegionRollupFilter
    ordering_fields = ["achievement", "computed_at"]


class GoalRollupViewSet(ReadOnlyPortalViewSet):
    queryset = goal_rollups()
    serializer_class = GoalRollupSerializer
    filterset_class = filters.GoalRollupFilter
    ordering_fields = ["achievement", "computed_at"]


class EvaluationViewSet(ReadOnlyPortalViewSet):
    """Evaluations of programs (performance, process, impact) with their recommendations."""

    queryset = Evaluation.objects.select_related("program").prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("due_on", "id"))
    )
    serializer_class = EvaluationSerializer
    filterset_class = filters.EvaluationFilter
    ordering_fields = ["id", "started_on", "completed_on", "updated_at"]


class RecommendationViewSet(ReadOnlyPortalViewSet):
    """Recommendations of evaluations and their follow-up."""

    queryset = Recommendation.objects.select_related("evaluation")
    serializer_class = RecommendationSerializer
    filterset_class = filters.RecommendationFilter
    ordering_fields = ["id", "due_on", "updated_at"]


class FindingQuery(PortalForm):
    check = forms.ChoiceField(required=False, choices=[("", "any")] + [(name, title) for name, (title, _) in CHECKS.items()])
    acknowledged = forms.NullBooleanField(required=False)


FINDING_PARAMETERS = [
    OpenApiParameter("check", str, enum=list(CHECKS), description="Only findings of this check"),
    OpenApiParameter("acknowledged", bool, description="Only acknowledged (true) or open (false) findings"),
]


class CoordinationFindingViewSet(mixins.ListModelMixin, PortalViewSet):
    """Coordination findings (overlaps, donor overlaps, gaps, surge without a long-term link,
    missing vetting), computed live from current data with one query per check; ordered by
    check, then as each check returns them. ``updated_since`` does not apply (live)."""

    serializer_class = CoordinationFindingSerializer
    filter_backends: list = []
    query_parameters = tuple(parameter.name for parameter in FINDING_PARAMETERS)

    @extend_schema(parameters=FINDING_PARAMETERS)
    def list(self, request, *args, **kwargs):
        query = FindingQuery(request.query_params)
        errors = query_errors(request, {"check": {}, "acknowledged": {"boolean": True}})
        if errors or not query.is_valid():
            raise ValidationError(errors or query.errors)
        check, acknowledged = query.cleaned_data.get("check"), query.cleaned_data.get("acknowledged")
        rows = []
        for section in coordination_findings():
            if check and section["name"] != check:
                continue
            for finding in section["findings"]:
                if acknowledged is not None and (finding.acknowledgement is not None) != acknowledged:
                    continue
                rows.append({
                    "check": section["name"],
                    "check_title": section["title"],
                    "fingerprint": finding.fingerprint,
                    "summary": finding.summary,
                    "country": finding.country,
                    "links": [{"label": label, "url": url} for label, url in finding.links],
                    "acknowledgement": finding.acknowledgement,
                })
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CoordinationFindingSerializer(page, many=True).data)

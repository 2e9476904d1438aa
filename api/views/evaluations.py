"""Rollups, evaluations and recommendations, coordination findings (read-only)."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.exceptions import ValidationError

from evaluations.models import (
    CountryRollup,
    Evaluation,
    EvaluationRating,
    EvaluationType,
    FollowUpStatus,
    GoalRollup,
    ProgramRollup,
    Recommendation,
    RegionRollup,
    RollupStatus,
)
from evaluations.selectors.coordination import CHECKS, coordination_findings
from evaluations.selectors.rollups import country_rollups, goal_rollups, program_rollups, region_rollups
from programs.models import RegionScheme

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


def _rollup_filter(model, **declared):
    attrs = {
        "status": django_filters.ChoiceFilter(choices=RollupStatus.choices),
        "updated_since": filters._updated_since("computed_at"),
        "Meta": type("Meta", (), {"model": model, "fields": []}),
        **declared,
    }
    return type(f"{model.__name__}Filter", (django_filters.FilterSet,), attrs)


class _ProgramRollupFilter(filters._ProgramScopedFilter):
    status = django_filters.ChoiceFilter(choices=RollupStatus.choices)
    program = filters._id_filter("program", "Program id")
    updated_since = filters._updated_since("computed_at")

    class Meta:
        model = ProgramRollup
        fields: list[str] = []


class _CountryRollupFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RollupStatus.choices)
    country = django_filters.CharFilter(method="filter_country", label="Country ISO3 or id", max_length=9)
    region = django_filters.CharFilter(method="filter_region", label="Region code or id", max_length=20)
    updated_since = filters._updated_since("computed_at")

    class Meta:
        model = CountryRollup
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(filters._country_q(value, "country")) if value.strip() else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(filters._region_q(value, "country__")) if value.strip() else queryset


class ProgramRollupViewSet(ReadOnlyPortalViewSet):
    """MOE achievement per program: weighted mean of its MOEs' capped latest achievement."""

    queryset = program_rollups()
    serializer_class = ProgramRollupSerializer
    filterset_class = _ProgramRollupFilter
    ordering_fields = ["achievement", "computed_at"]


class CountryRollupViewSet(ReadOnlyPortalViewSet):
    """Achievement per country, weighted by obligated funding over the current window."""

    queryset = country_rollups()
    serializer_class = CountryRollupSerializer
    filterset_class = _CountryRollupFilter
    ordering_fields = ["achievement", "computed_at"]


class RegionRollupViewSet(ReadOnlyPortalViewSet):
    queryset = region_rollups()
    serializer_class = RegionRollupSerializer
    filterset_class = _rollup_filter(RegionRollup, scheme=django_filters.ChoiceFilter(field_name="region__scheme", choices=RegionScheme.choices))
    ordering_fields = ["achievement", "computed_at"]


class GoalRollupViewSet(ReadOnlyPortalViewSet):
    queryset = goal_rollups()
    serializer_class = GoalRollupSerializer
    filterset_class = _rollup_filter(GoalRollup)
    ordering_fields = ["achievement", "computed_at"]


class EvaluationFilter(filters._ProgramScopedFilter):
    program = filters._id_filter("program", "Program id")
    evaluation_type = django_filters.ChoiceFilter(choices=EvaluationType.choices)
    rating = django_filters.ChoiceFilter(choices=EvaluationRating.choices)
    is_independent = django_filters.BooleanFilter()

    class Meta:
        model = Evaluation
        fields: list[str] = []


class RecommendationFilter(filters._ProgramScopedFilter):
    program_path = "evaluation__program"
    evaluation = filters._id_filter("evaluation", "Evaluation id")
    program = filters._id_filter("evaluation__program", "Program id")
    follow_up_status = django_filters.MultipleChoiceFilter(choices=FollowUpStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = Recommendation
        fields: list[str] = []


class EvaluationViewSet(ReadOnlyPortalViewSet):
    """Evaluations of programs (performance, process, impact) with their recommendations."""

    queryset = Evaluation.objects.select_related("program").prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("due_on", "id"))
    )
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    ordering_fields = ["id", "started_on", "completed_on", "updated_at"]


class RecommendationViewSet(ReadOnlyPortalViewSet):
    """Recommendations of evaluations and their follow-up."""

    queryset = Recommendation.objects.select_related("evaluation")
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    ordering_fields = ["id", "due_on", "updated_at"]


class FindingQuery(forms.Form):
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

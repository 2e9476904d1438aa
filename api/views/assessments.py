"""Country assessments (with their approval) and selectivity scores (current and history)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from assessments.models import CountryAssessment, CriterionScore
from assessments.selectors import assessment_get, current_scores, scores_all
from assessments.services import (
    assessment_approve,
    assessment_approve_check,
    assessment_create,
    assessment_return,
    assessment_return_check,
    assessment_submit,
    assessment_update,
)
from django.db.models import Prefetch

from programs import permissions

from .. import filters
from ..serializers.assessments import (
    AssessmentReturnSerializer,
    AssessmentSerializer,
    AssessmentCreateSerializer,
    AssessmentWriteSerializer,
    SelectivityScoreSerializer,
)
from ..serializers.measures import VersionSerializer
from .base import PortalViewSet, ReadOnlyPortalViewSet, stable_order


def _assessments():
    return CountryAssessment.objects.select_related("country", "framework", "created_by", "approved_by").prefetch_related(
        Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion"))
    )


@extend_schema_view(
    create=extend_schema(summary="Create a draft assessment", request=AssessmentCreateSerializer, responses={201: AssessmentSerializer}),
    update=extend_schema(
        summary="Replace a draft or returned assessment (send the version you read)",
        request=AssessmentWriteSerializer,
        responses=AssessmentSerializer,
    ),
)
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Country assessments under the current framework: draft -> submitted -> approved."""

    serializer_class = AssessmentSerializer
    filterset_class = filters.ApiAssessmentFilter
    ordering_fields = ["id", "assessed_on", "updated_at"]
    http_method_names = ["get", "post", "put", "head", "options"]
    role_checks = {
        "create": permissions.require_assessment_keeper,
        "approve": assessment_approve_check,
        "return_": assessment_return_check,
    }
    record_checks = {"update": permissions.require_assessment_editor, "submit": permissions.require_assessment_editor}

    def get_queryset(self):
        return _assessments()

    def _body(self, assessment: CountryAssessment) -> dict:
        return AssessmentSerializer(assessment_get(pk=assessment.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        assessment = assessment_create(user=request.user, criterion_scores=data.pop("scores"), **data)
        return Response(self._body(assessment), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        assessment = self.get_object()
        serializer = AssessmentWriteSerializer(data=request.data, context={"updating": True})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("country", None)
        assessment = assessment_update(
            user=request.user, assessment=assessment, criterion_scores=data.pop("scores"), **data
        )
        return Response(self._body(assessment))

    @extend_schema(summary="Submit for approval", request=VersionSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = self.get_object()
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data.get("version")
        return Response(self._body(assessment_submit(user=request.user, assessment=assessment, version=version)))

    @extend_schema(summary="Approve (a manager other than the author)", request=VersionSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        assessment = self.get_object()
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data.get("version")
        return Response(self._body(assessment_approve(user=request.user, assessment=assessment, version=version)))

    @extend_schema(summary="Return for revision with a reason (managers)", request=AssessmentReturnSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        assessment = self.get_object()
        serializer = AssessmentReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(self._body(assessment_return(user=request.user, assessment=assessment, **serializer.validated_data)))


class SelectivityScoreViewSet(ReadOnlyPortalViewSet):
    """The current selectivity score of each scored country, with its components, weights,
    framework version, inputs' dates and flags. ``sort`` takes the page's sort keys."""

    serializer_class = SelectivityScoreSerializer
    filterset_class = filters.ApiSelectivityScoreFilter
    filter_backends = PortalViewSet.filter_backends[:1]

    def get_queryset(self):
        return current_scores()

    def filter_queryset(self, queryset):
        return stable_order(super().filter_queryset(queryset))


class SelectivityScoreHistoryViewSet(ReadOnlyPortalViewSet):
    """Every computed score row (a country's trend): filter by ``country``; oldest first."""

    serializer_class = SelectivityScoreSerializer
    filterset_class = filters.ApiSelectivityScoreFilter
    filter_backends = PortalViewSet.filter_backends[:1]

    def get_queryset(self):
        return scores_all()

    def filter_queryset(self, queryset):
        return stable_order(super().filter_queryset(queryset))

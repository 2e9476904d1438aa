"""Measures of effectiveness (with targets) and measurements, with their approval."""
from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from programs import permissions
from programs.fiscal import Period
from infrastructure.conflicts import StateConflict
from programs.models import MeasureOfEffectiveness, Measurement, MeasurementDisaggregation, Target
from infrastructure.versioning import check_version
from programs.services.measures import (
    measurement_approve,
    measurement_approve_check,
    measurement_delete,
    measurement_record,
    measurement_return,
    measurement_return_check,
    measurements_submit,
    moe_create,
    moe_update,
    target_set,
)

from .. import filters
from ..json_renderer import FastJSONRenderer
from ..measurement_rows import measurement_rows
from ..serializers.measures import (
    MeasurementReturnSerializer,
    MeasurementSerializer,
    MeasurementWriteSerializer,
    MoeSerializer,
    MoeWriteSerializer,
    TargetSerializer,
    TargetWriteSerializer,
    VersionSerializer,
)
from .base import PortalViewSet

RATIONALE_KEYS = ("version", "rationale_category", "rationale")


def _moe_queryset():
    return MeasureOfEffectiveness.objects.prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_end"))
    )


@extend_schema_view(
    create=extend_schema(summary="Create an MOE with its targets", request=MoeWriteSerializer, responses={201: MoeSerializer}),
    partial_update=extend_schema(
        summary="Update an MOE (send the version you read); 'targets', if sent, replaces them",
        request=MoeWriteSerializer,
        responses=MoeSerializer,
    ),
)
class MoeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Measures of effectiveness (outcomes) and of performance (outputs), with per-period targets."""

    serializer_class = MoeSerializer
    filterset_class = filters.MoeFilter
    ordering_fields = ["id", "program", "updated_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    role_checks = {"create": lambda user: permissions.require_program_writer(user, "create MOEs")}
    record_checks = {
        "partial_update": lambda user, moe: permissions.require_program_editor(user, moe.program),
        "targets": lambda user, moe: permissions.require_program_editor(user, moe.program),
    }

    def get_queryset(self):
        return _moe_queryset()

    def create(self, request, *args, **kwargs):
        serializer = MoeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        program, targets = data.pop("program"), data.pop("targets", ())
        for key in RATIONALE_KEYS:
            data.pop(key, None)
        moe = moe_create(user=request.user, program=program, data=data, targets=[dict(t) for t in targets])
        return Response(MoeSerializer(_moe_queryset().get(pk=moe.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        moe = self.get_object()
        serializer = MoeWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        targets = data.pop("targets", None)
        moe = moe_update(
            user=request.user,
            moe=moe,
            data={k: v for k, v in data.items() if k not in RATIONALE_KEYS},
            version=data.get("version"),
            targets=[dict(t) for t in targets] if targets is not None else None,
            rationale_category=data.get("rationale_category", ""),
            rationale=data.get("rationale", ""),
        )
        return Response(MoeSerializer(_moe_queryset().get(pk=moe.pk)).data)

    @extend_schema(summary="Set the target of one period", request=TargetWriteSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        moe = self.get_object()
        serializer = TargetWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = target_set(user=request.user, moe=moe, **serializer.validated_data)
        return Response(TargetSerializer(target).data)


def _measurement_queryset():
    return Measurement.objects.select_related("moe", "entered_by", "approved_by").prefetch_related(
        Prefetch("breakdown", queryset=MeasurementDisaggregation.objects.select_related("category").order_by("category_id"))
    )


@extend_schema_view(
    create=extend_schema(
        summary="Record the value of an MOE for a period (creates it, or updates the existing one)",
        request=MeasurementWriteSerializer,
        responses={201: MeasurementSerializer, 200: MeasurementSerializer},
    ),
)
class MeasurementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PortalViewSet):
    """Actual values of MOEs per period: draft -> submitted -> approved (or returned).
    Only approved values count in rollups."""

    serializer_class = MeasurementSerializer
    filterset_class = filters.MeasurementFilter
    ordering_fields = ["id", "period_end", "updated_at"]
    renderer_classes = [FastJSONRenderer, *PortalViewSet.renderer_classes[1:]]
    http_method_names = ["get", "post", "delete", "head", "options"]
    role_checks = {
        "create": lambda user: permissions.require_program_writer(user, "record measurements"),
        "approve": measurement_approve_check,
        "return_": measurement_return_check,
    }
    record_checks = {"submit": lambda user, measurement: permissions.require_program_editor(user, measurement.moe.program)}

    def get_queryset(self):
        return _measurement_queryset()

    @extend_schema(
        summary="Remove a draft or returned measurement entered by mistake (send the version you read)",
        description=(
            "Who may edit the value may remove it while it is a draft or returned for revision; the history "
            "keeps it (who, when, the old value). A submitted value is a 409: ask a manager to return it "
            "first. An approved value is a 409: correct it instead (with a rationale; it goes back for approval). "
            "A missing or stale version is a 409 too, nothing removed."
        ),
        parameters=[VersionSerializer],  # ?version=N, as the body's version of other writes
        request=None,
        responses={204: OpenApiResponse(description="Removed.")},  # 409 and the errors: PortalAutoSchema
    )
    def destroy(self, request, *args, **kwargs):
        measurement = self.get_object()
        serializer = VersionSerializer(data={k: v for k, v in request.query_params.items() if k == "version"})
        serializer.is_valid(raise_exception=True)
        measurement_delete(user=request.user, measurement=measurement, version=serializer.validated_data.get("version"))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(Measurement.objects.all())
        return self.get_paginated_response(measurement_rows(self.paginate_queryset(queryset.values_list("id", flat=True))))

    def create(self, request, *args, **kwargs):
        serializer = MeasurementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            code = Period.parse(data["period"]).code
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        existed = Measurement.objects.filter(moe=data["moe"], period=code).exists()
        measurement = measurement_record(user=request.user, **data)
        return Response(
            MeasurementSerializer(_measurement_queryset().get(pk=measurement.pk)).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    def _version(self, request, serializer_class=VersionSerializer):
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(summary="Submit a draft or returned measurement for approval", request=VersionSerializer, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        measurement = self.get_object()
        version = self._version(request).get("version")
        check_version(measurement, version)
        if not measurements_submit(user=request.user, measurements=[measurement]):
            raise StateConflict(
                {"status": f"Only draft or returned measurements can be submitted (this one is {measurement.status})."}
            )
        return Response(MeasurementSerializer(_measurement_queryset().get(pk=measurement.pk)).data)

    @extend_schema(summary="Approve a submitted measurement (managers)", request=VersionSerializer, responses=MeasurementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        measurement = self.get_object()
        measurement = measurement_approve(user=request.user, measurement=measurement, **self._version(request))
        return Response(MeasurementSerializer(_measurement_queryset().get(pk=measurement.pk)).data)

    @extend_schema(
        summary="Return a submitted measurement for revision, with the reason (managers)",
        request=MeasurementReturnSerializer,
        responses=MeasurementSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        measurement = self.get_object()
        measurement = measurement_return(
            user=request.user, measurement=measurement, **self._version(request, MeasurementReturnSerializer)
        )
        return Response(MeasurementSerializer(_measurement_queryset().get(pk=measurement.pk)).data)

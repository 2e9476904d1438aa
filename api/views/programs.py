"""Programs (with funding, countries, goals), their lifecycle and IATI export."""
from __future__ import annotations

from functools import partial

import orjson
from django.db import connection
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from programs import permissions
from programs.iati import iati_activities_xml
from programs.models import Program
from programs.selectors.programs import program_queryset
from programs.services.programs import funding_set, program_create, program_transition, program_update

from .. import filters
from ..json_renderer import FastJSONRenderer
from ..program_rows import COLUMNS, program_rows
from ..program_rows_json import program_page_json
from ..serializers.programs import (
    FundingSerializer,
    FundingWriteSerializer,
    ProgramSerializer,
    ProgramTransitionSerializer,
    ProgramWriteSerializer,
)
from .base import PortalViewSet, stable_order

IATI_MAX_PROGRAMS = 5000
XML_RESPONSE = {(200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description="IATI 2.03 iati-activities XML")}


@extend_schema_view(
    list=extend_schema(summary="List programs", responses=ProgramSerializer(many=True)),
    retrieve=extend_schema(summary="One program", responses=ProgramSerializer),
    create=extend_schema(summary="Create a program", request=ProgramWriteSerializer, responses={201: ProgramSerializer}),
    partial_update=extend_schema(
        summary="Update a program (send the version you read)",
        request=ProgramWriteSerializer,
        responses=ProgramSerializer,
    ),
)
class ProgramViewSet(PortalViewSet):
    """Programs with their funding by fiscal year, countries, goals, sectors and partners.

    Filters are those of the program list page (``programs.filters.ProgramFilter``); the
    ``ordering`` parameter takes its sort keys. Archived programs are hidden unless
    ``archived=include``, or ``updated_since`` is given: a sync client sees a program that
    was archived (``archived_at`` set) so that it can drop it. Every change to a program's
    funding, memberships, MOEs, targets or approved values moves its ``updated_at``.
    """

    serializer_class = ProgramSerializer
    filterset_class = filters.ApiProgramFilter
    filter_backends = PortalViewSet.filter_backends[:1]  # the FilterSet has its own ordering
    renderer_classes = [FastJSONRenderer, *PortalViewSet.renderer_classes[1:]]  # pages of up to 1.5 MB
    http_method_names = ["get", "post", "patch", "head", "options"]
    role_checks = {"create": lambda user: permissions.require_program_writer(user, "create programs")}
    record_checks = {
        "partial_update": permissions.require_program_editor,
        "funding": permissions.require_program_editor,
        "transition": permissions.require_program_transitioner,
    }

    def get_queryset(self):
        # The funding-total annotations (three subqueries a row) are needed only to sort
        # by them; the representation sums the funding rows it fetches anyway.
        ordering = getattr(self.request, "query_params", {}).get("ordering", "")
        if any(key in ordering for key in ("planned", "obligated")):
            return program_queryset()
        return Program.objects.all()

    def filter_queryset(self, queryset):
        return stable_order(super().filter_queryset(queryset))

    def _representation(self, pk: int) -> dict:
        return program_rows(Program.objects.filter(pk=pk))[0]

    def _page_json_from_database(self, request) -> bool:
        """Compact JSON on PostgreSQL: the page's count and results are read in one
        statement that writes the results as JSON (``api.program_rows_json``); CSV,
        indented JSON and SQLite get ``program_rows``."""
        renderer = request.accepted_renderer
        return (
            connection.vendor == "postgresql"
            and isinstance(renderer, FastJSONRenderer)
            and not renderer.get_indent(request.accepted_media_type or "", {})
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if self._page_json_from_database(request):
            results = self.paginator.paginate_counted(queryset, request, partial(program_page_json, queryset))
            return self.get_paginated_response(orjson.Fragment(results))
        page = self.paginate_queryset(queryset.values(*COLUMNS))
        return self.get_paginated_response(program_rows(page))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._representation(self.get_object().pk))

    def create(self, request, *args, **kwargs):
        serializer = ProgramWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kwargs = serializer.service_kwargs()
        program = program_create(user=request.user, data=kwargs["data"], funding=kwargs["funding"] or ())
        return Response(self._representation(program.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        program = self.get_object()
        serializer = ProgramWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        program = program_update(user=request.user, program=program, **serializer.service_kwargs())
        return Response(self._representation(program.pk))

    @extend_schema(
        summary="Set one fiscal year's funding of a program",
        request=FundingWriteSerializer,
        responses=FundingSerializer,
    )
    @action(detail=True, methods=["post"])
    def funding(self, request, pk=None):
        program = self.get_object()
        serializer = FundingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = funding_set(
            user=request.user,
            program=program,
            fiscal_year=data["fiscal_year"],
            planned=data["planned"],
            obligated=data["obligated"],
            disbursed=data["disbursed"],
            version=data.get("version"),
            rationale_category=data.get("rationale_category", ""),
            rationale=data.get("rationale", ""),
        )
        return Response(FundingSerializer(row).data)

    @extend_schema(
        summary="Move a program through its lifecycle (approve, start, review, continue, ...)",
        request=ProgramTransitionSerializer,
        responses=ProgramSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        program = self.get_object()
        serializer = ProgramTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        program = program_transition(user=request.user, program=program, **serializer.validated_data)
        return Response(self._representation(program.pk))

    @extend_schema(summary="IATI 2.03 activity XML of the filtered programs", responses=XML_RESPONSE, operation_id="programs_iati_list")
    @action(detail=False, methods=["get"], url_path="iati", pagination_class=None)
    def iati_list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        if queryset.count() > IATI_MAX_PROGRAMS:
            raise ValidationError({"non_field_errors": f"More than {IATI_MAX_PROGRAMS} programs; narrow the filters."})
        return HttpResponse(iati_activities_xml(queryset), content_type="application/xml")

    @extend_schema(summary="IATI 2.03 activity XML of one program", responses=XML_RESPONSE, filters=False)
    @action(detail=True, methods=["get"], url_path="iati", pagination_class=None, filter_backends=[])
    def iati(self, request, pk=None):
        program = self.get_object()
        return HttpResponse(iati_activities_xml(program_queryset().filter(pk=program.pk)), content_type="application/xml")

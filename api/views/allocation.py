"""Allocation scenarios: list, detail (inputs and result), create, update, solve, compare.
Managers create and solve (write tokens act with their user's rights); everyone reads."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from allocation import selectors, services
from allocation.models import Scenario

from ..serializers.allocation import (
    ComparisonQuerySerializer,
    ComparisonSerializer,
    ScenarioDetailSerializer,
    ScenarioSerializer,
    ScenarioWriteSerializer,
)
from ..serializers.measures import VersionSerializer
from .base import PortalViewSet


def _detail(scenario: Scenario) -> dict:
    scenario = selectors.scenario_get(pk=scenario.pk)
    return ScenarioDetailSerializer(scenario, context={
        "outcomes": selectors.scenario_outcomes(scenario), "lines": selectors.scenario_lines(scenario),
    }).data


@extend_schema_view(
    list=extend_schema(summary="Scenarios (newest fiscal year first)"),
    retrieve=extend_schema(summary="A scenario: inputs, result per country and account, duals, reasons",
                           responses=ScenarioDetailSerializer),
    create=extend_schema(summary="Create a draft scenario (managers)", request=ScenarioWriteSerializer,
                         responses={201: ScenarioDetailSerializer}),
    update=extend_schema(summary="Replace a scenario's inputs (send the version you read: missing or stale is a 409)",
                         request=ScenarioWriteSerializer, responses=ScenarioDetailSerializer),
)
class ScenarioViewSet(mixins.ListModelMixin, PortalViewSet):
    """Allocation scenarios of the planner (docs/allocation.md)."""

    serializer_class = ScenarioSerializer
    filterset_fields = ["fiscal_year", "status"]
    ordering_fields = ["id", "fiscal_year", "updated_at"]
    http_method_names = ["get", "post", "put", "head", "options"]
    role_checks = {
        "create": services.scenario_create_check,
        "update": services.scenario_update_check,
        "solve": services.scenario_solve_check,
    }

    def get_queryset(self):
        return selectors.scenario_list()

    def retrieve(self, request, *args, **kwargs):
        return Response(_detail(self.get_object()))

    def _inputs(self, request) -> dict:
        serializer = ScenarioWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._inputs(request)
        data.pop("version", None)
        scenario = services.scenario_create(user=request.user, **data)
        return Response(_detail(scenario), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        scenario = self.get_object()
        data = self._inputs(request)
        # No version over a stored scenario is a conflict like a stale one (409 stale_version).
        scenario = services.scenario_update(user=request.user, scenario=scenario, version=data.pop("version", None), **data)
        return Response(_detail(scenario))

    @extend_schema(summary="Solve (managers); the result or the reasons there is none",
                   request=VersionSerializer, responses=ScenarioDetailSerializer)
    @action(detail=True, methods=["post"])
    def solve(self, request, pk=None):
        scenario = self.get_object()
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.scenario_solve(user=request.user, scenario=scenario, version=serializer.validated_data.get("version"))
        return Response(_detail(scenario))

    @extend_schema(
        summary="Two scenarios' country totals beside the current plan",
        parameters=[ComparisonQuerySerializer],
        responses=ComparisonSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def compare(self, request):
        query = ComparisonQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        ids = [query.validated_data["first"], query.validated_data["second"]]
        found = {s.pk: s for s in selectors.scenario_list().filter(pk__in=ids)}
        if len(found) != len(set(ids)):
            raise NotFound("No such scenario.")
        scenarios = [found[pk] for pk in ids]
        return Response(ComparisonSerializer(
            {"scenarios": scenarios, "countries": selectors.scenarios_compare(scenarios),
             "accounts": selectors.accounts_compare(scenarios)}).data)

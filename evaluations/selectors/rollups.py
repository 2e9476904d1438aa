"""Reads of the computed rollups, each with the time it was computed (freshness)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max, QuerySet

from programs.models import RUNNING_STATUSES

from ..models import CountryRollup, GoalRollup, ProgramRollup, RegionRollup
from infrastructure.sorting import by_name


def program_rollups(program_ids: Iterable[int] | None = None) -> QuerySet[ProgramRollup]:
    """Program rollups (all, or of program_ids) with the program and its lead agency, by code."""
    rows = ProgramRollup.objects.select_related("program__lead_agency").order_by("program__code")
    return rows if program_ids is None else rows.filter(program_id__in=list(program_ids))


def country_rollups(country_ids: Iterable[int] | None = None, *, with_programs_only: bool = False) -> QuerySet[CountryRollup]:
    """Country rollups (all, or of country_ids) by country name; with_programs_only drops countries with no running program."""
    rows = CountryRollup.objects.select_related("country").order_by(by_name("country__name"))
    if with_programs_only:
        rows = rows.filter(program_count__gt=0)
    return rows if country_ids is None else rows.filter(country_id__in=list(country_ids))


def region_rollups(scheme: str | None = None) -> QuerySet[RegionRollup]:
    """Region rollups of one scheme (or both), by scheme and code."""
    rows = RegionRollup.objects.select_related("region").order_by("region__scheme", "region__code")
    return rows if scheme is None else rows.filter(region__scheme=scheme)


def goal_rollups() -> QuerySet[GoalRollup]:
    """Goal rollups with the goal and its parent, in the taxonomy's order."""
    return GoalRollup.objects.select_related("goal", "goal__parent").order_by("goal__sort_order", "goal__code")


def rollups_computed_at():
    """When the rollups were last computed (the oldest and newest program figure)."""
    return ProgramRollup.objects.aggregate(newest=Max("computed_at"))["newest"]


def running_program_ids_in_country(country_id: int) -> QuerySet:
    """Ids of the running, not archived programs in the country (a subquery)."""
    from programs.models import Program

    return Program.objects.filter(
        countries=country_id, status__in=RUNNING_STATUSES, archived_at__isnull=True
    ).values("id")

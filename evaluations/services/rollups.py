"""Recomputing MOE achievement and rollups: incrementally for changed programs, or in full.

One writer at a time: every recompute takes the ``evaluations.rollups`` advisory lock
inside its transaction. Incremental scopes overlap (two programs in one country both
rewrite that country's figure), so a single lock is what keeps a slower writer from
overwriting a newer figure with an older one; incremental runs take milliseconds and a
busy lock makes the Celery task retry (:class:`RollupsBusy`).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from programs.fiscal import funding_window
from infrastructure.locks import try_scope_lock
from infrastructure.sql import bulk_settings_for_transaction
from infrastructure.models import DeferredTask

from ..computations import rollups_sql
from ..models import CountryRollup, ProgramRollup
from ..signals import country_rollups_changed

LOCK_SCOPE = "evaluations.rollups"


class RollupsBusy(Exception):
    """Another recompute holds the rollup lock; retry later."""


@dataclass(frozen=True)
class RecomputeResult:
    program_ids: list[int] | None
    country_ids: list[int]
    region_ids: list[int]
    goal_ids: list[int]
    changed_country_ids: list[int]


def _scope_of(program_ids: list[int]) -> tuple[set[int], set[int], set[int]]:
    """Countries, regions and goals the programs count in now (their memberships) or
    counted in last time (as their program rollups recorded): two queries."""
    now = rollups_sql.groups_of_programs(program_ids)
    countries, regions, goals = now["country"], now["region"], now["goal"]
    for previous_countries, previous_regions, previous_goals in ProgramRollup.objects.filter(
        program_id__in=program_ids
    ).values_list("country_ids", "region_ids", "goal_ids"):
        countries.update(previous_countries or [])
        regions.update(previous_regions or [])
        goals.update(previous_goals or [])
    return countries, regions, goals


def _kept_sums_usable() -> bool:
    """Whether an incremental recompute can shift the groups' kept sums: on PostgreSQL,
    once every program rollup says whether it counted (rows computed before the kept sums
    existed do not; the first full recompute fixes them). One probe of an empty partial index."""
    return connection.vendor == "postgresql" and not ProgramRollup.objects.filter(counted__isnull=True).exists()


def rollups_recompute(*, program_ids: Iterable[int] | None = None) -> RecomputeResult:
    """Recompute the figures affected by changes to ``program_ids`` (None: everything).

    Everything: the MOE-period table is rebuilt and every group recomputed from its
    members. Called outside any transaction, the MOE-period rows are computed in two parts
    at once on connections of their own, reading this transaction's snapshot (two cores);
    inside an enclosing ``atomic``, or when deferred rollup tasks were deleted first (this
    transaction has then written), on this connection alone, with the same rows
    (:func:`infrastructure.table_swap.table_rebuild_swap`). A scope, on PostgreSQL: the scope's MOE-period rows that change and its
    program rollups are rewritten and each country, region and goal it touches is shifted
    by the programs' old and new contributions to its kept sums (its figure derived from
    the new sums in the same write), so the work does not grow with the portfolio. A scope on SQLite (or before the first full recompute filled the sums):
    the groups in scope are recomputed from their members.

    Idempotent: recomputing with unchanged inputs writes the same figures. Raises
    :class:`RollupsBusy` when another recompute holds the lock. Sends
    ``country_rollups_changed`` for the countries whose achievement or status changed.
    """
    scope = None if program_ids is None else sorted({int(i) for i in program_ids})
    with transaction.atomic():
        if not try_scope_lock(LOCK_SCOPE):
            raise RollupsBusy(LOCK_SCOPE)
        bulk_settings_for_transaction()
        if scope is None:
            countries = regions = goals = None
            # A full recompute reads every input as of now: incremental recomputes that
            # could not be queued earlier (broker down) are covered by it.
            DeferredTask.objects.filter(task_name__startswith="evaluations.tasks.rollups_").delete()
        else:
            countries, regions, goals = _scope_of(scope)
        before = dict(
            _country_figures(countries)
        )
        now = timezone.now()
        window = funding_window(timezone.localdate())
        groups = {"country": countries, "region": regions, "goal": goals}
        rollups_sql.moe_achievements_write(scope, now)
        if scope is not None and _kept_sums_usable():
            rollups_sql.group_sums_subtract(scope, now)
            rollups_sql.program_rollups_write(scope, window, now)
            rollups_sql.group_sums_add(scope, now)
        else:
            rollups_sql.program_rollups_write(scope, window, now)
            for kind, group_ids in groups.items():
                rollups_sql.group_rollups_write(kind, group_ids, now)
        after = dict(_country_figures(countries))
        changed = sorted(cid for cid, figure in after.items() if before.get(cid) != figure)
        if changed:
            country_rollups_changed.send(sender=CountryRollup, country_ids=changed)
    return RecomputeResult(
        program_ids=scope,
        country_ids=sorted(countries) if countries is not None else [],
        region_ids=sorted(regions) if regions is not None else [],
        goal_ids=sorted(goals) if goals is not None else [],
        changed_country_ids=changed,
    )


def _country_figures(country_ids: set[int] | None):
    rows = CountryRollup.objects.all()
    if country_ids is not None:
        rows = rows.filter(country_id__in=country_ids)
    return ((cid, (a, s)) for cid, a, s in rows.values_list("country_id", "achievement", "status"))

"""Stored aggregate figures of the dashboards, so that a page reads stored figure sets
instead of aggregating 20,000 programs on every request. They live in Django's cache
(alias "figures": the database cache or Redis in production, a file cache on the
embedded set-up; shared by every web process and the worker, see the settings).

A page asks for the figure sets of one scope at once (one query for the inputs version,
one cache read for the sets); a missing or outdated set is computed with its set-based
SQL function and stored. The inputs version is the latest change of every input table
(indexed ``updated_at`` maxima and the latest score id), read in one query: any edit,
import or recompute changes it, and a stored set carries the version it was computed
from. ``figures_refresh`` (Celery task ``dashboards.tasks``) warms the portfolio, the
country index, goal coverage and every region on a schedule (beat) and when a page asks
for it (below).

Serving while refreshing: when a worker is there to refresh them (a broker is
configured), figures of the portfolio and region scopes whose inputs changed are still
served while they are younger than ``settings.DASHBOARD_FIGURES_MAX_AGE`` seconds, and a
background refresh is requested. A busy day of approvals would otherwise make every
manager's page recompute its figures (seconds at the large size) on every view, all at
once; this way a figure lags the data by at most that age (plus the time to compute it),
and every page says when its figures were computed. Without a broker (the embedded
set-up) figures are always computed on the request that finds them outdated, and the
refresh itself always computes outdated ones (``current=True``).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from infrastructure.sql import latest_changes

CACHE_ALIAS = "figures"

# Input tables whose latest change invalidates the snapshots (TimeStamped: updated_at is
# indexed). Membership changes of a program (countries, goals, partners) go through the
# program services, which save the program (its updated_at moves); the count of country
# links also catches bulk loads.
_VERSION_SQL = f"""
    SELECT {latest_changes(timestamped=[
        "programs_program", "programs_funding", "programs_vetting", "programs_crisisevent", "programs_objective",
        "programs_strategy", "programs_partnerinstitution", "programs_country", "evaluations_recommendation"])},
           (SELECT MAX(id) FROM assessments_selectivityscore),
           (SELECT MAX(computed_at) FROM evaluations_countryrollup),
           (SELECT MAX(computed_at) FROM evaluations_programrollup),
           (SELECT MAX(computed_at) FROM evaluations_goalrollup),
           (SELECT MAX(computed_at) FROM evaluations_regionrollup),
           (SELECT COUNT(*) FROM programs_program_countries),
           %s
"""


# Raise when a figure's definition changes in code (e.g. who needs vetting), so that
# figures stored under the old definition are recomputed after the deployment.
FIGURES_DEFINITION = 3


def inputs_version() -> str:
    """A fingerprint of the figures' definition and the inputs' latest changes (and today's
    date, as the overdue and vetting flags depend on the day)."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL, [timezone.localdate().isoformat()])
        row = cursor.fetchone()
    return (f"d{FIGURES_DEFINITION}|" + "|".join("" if value is None else str(value) for value in row))[:400]


@dataclass(frozen=True)
class StoredFigures:
    """One figure set as stored: the inputs version it was computed from, when, and the
    value (any picklable rows: dicts, lists, Decimals, datetimes)."""

    inputs_version: str
    computed_at: dt.datetime
    value: Any


def cache_key(scope: str, name: str) -> str:
    """Where the figure set ``name`` of ``scope`` ("portfolio:2027", "region:12") is stored."""
    return f"figures:{scope}:{name}"


# Scopes that figures_refresh recomputes; the others (a country, a flag list) are cheap
# enough, or rare enough, to be computed on the view that finds them outdated.
BACKGROUND_SCOPES = ("portfolio:", "region:")


def _may_serve_outdated(scope: str, stored: StoredFigures, now: dt.datetime) -> bool:
    from ..tasks import figures_refresh as task

    max_age = settings.DASHBOARD_FIGURES_MAX_AGE
    if max_age <= 0 or task.app.conf.task_always_eager:
        return False
    if not scope.startswith(BACKGROUND_SCOPES):
        return False
    return now - stored.computed_at <= dt.timedelta(seconds=max_age)


def _request_refresh() -> None:
    """Ask a worker to refresh the figures, at most once every few seconds across all
    processes (the cache's atomic ``add`` decides who asks)."""
    interval = max(5, settings.DASHBOARD_FIGURES_MAX_AGE // 2)
    if not caches[CACHE_ALIAS].add("figures:refresh-requested", True, timeout=interval):
        return
    from infrastructure.task_dispatch import publish

    from ..tasks import figures_refresh as task

    publish(task, defer=False)  # if the broker is down, the next view computes them


def figures(scope: str, computations: dict[str, Callable[[], Any]], *,
            current: bool = False) -> tuple[dict[str, Any], dt.datetime | None]:
    """The figure sets ``computations`` of ``scope``: stored ones when current (or, unless
    ``current``, outdated but young enough while a worker refreshes them, see the module
    docstring), the others computed now and stored. Returns (figures by name, oldest
    computed_at)."""
    cache = caches[CACHE_ALIAS]
    now = timezone.now()  # before reading: a figure is "as of" the moment its inputs were read
    version = inputs_version()
    keys = {name: cache_key(scope, name) for name in computations}
    stored = cache.get_many(list(keys.values()))
    result, stamps, computed = {}, [], {}
    for name, compute in computations.items():
        entry = stored.get(keys[name])
        if entry is not None and entry.inputs_version != version and not current \
                and _may_serve_outdated(scope, entry, now):
            _request_refresh()
        elif entry is None or entry.inputs_version != version:
            entry = StoredFigures(version, now, compute())
            computed[keys[name]] = entry
        result[name] = entry.value
        stamps.append(entry.computed_at)
    if computed:
        cache.set_many(computed)
    return result, (min(stamps) if stamps else None)


def figures_refresh() -> int:
    """Bring the figures a worker refreshes in the background (``BACKGROUND_SCOPES``: the
    portfolio in both region schemes, the country index and goal coverage, every region)
    up to date; returns the number of page builds run, 0 if another refresh is running.
    Each scope's figures are stored as they are computed, so pages never wait for the
    whole refresh. Called by the Celery task."""
    from evaluations.services.coordination_findings import findings_current
    from infrastructure.locks import scope_lock_held
    from programs.models import Region, RegionScheme

    from . import overview

    with scope_lock_held("dashboards.figures_refresh") as acquired:
        if not acquired:
            return 0
        findings_current()  # the flag counts of every scope below read the stored findings
        builds = [lambda scheme=scheme: overview.portfolio_dashboard(scheme=scheme, current=True)
                  for scheme in RegionScheme.values]
        builds += [lambda: overview.country_index(current=True), lambda: overview.goal_coverage(current=True)]
        builds += [lambda region=region: overview.region_dashboard(region=region, current=True)
                   for region in Region.objects.all()]
        for build in builds:
            build()
        return len(builds)

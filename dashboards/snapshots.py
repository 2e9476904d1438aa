"""Stored aggregate figures (FigureSnapshot), so that dashboards read summary rows instead
of aggregating 20,000 programs on every request.

A page asks for the figure sets of one scope at once (one query for the inputs version,
one for the rows); a missing or outdated set is computed with its set-based SQL function
and stored. The inputs version is the latest change of every input table (indexed
``updated_at`` maxima and the latest score id), read in one query: any edit, import or
recompute changes it. ``figures_refresh`` (Celery task ``dashboards.tasks``) warms the
portfolio, the country index, goal coverage and every region on a schedule (beat) and
when a page asks for it (below).

Serving while refreshing: when a worker is there to refresh them (a broker is
configured), figures of the portfolio and region scopes whose inputs changed are still
served while they are younger than ``settings.DASHBOARD_FIGURES_MAX_AGE`` seconds, and a
background refresh is requested. A busy day of approvals would otherwise make every
manager's page recompute its figures (seconds at the large size) on every view, all at
once; this way a figure lags the data by at most that age (plus the time to compute it),
and every page says when its figures were computed. Without a broker (the embedded
set-up) figures are always computed on the request that finds them outdated.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import FigureSnapshot

# Input tables whose latest change invalidates the snapshots (TimeStamped: updated_at is
# indexed). Membership changes of a program (countries, goals, partners) go through the
# program services, which save the program (its updated_at moves); the count of country
# links also catches bulk loads.
_VERSION_SQL = """
    SELECT (SELECT MAX(updated_at) FROM programs_program),
           (SELECT MAX(updated_at) FROM programs_funding),
           (SELECT MAX(updated_at) FROM programs_vetting),
           (SELECT MAX(updated_at) FROM programs_crisisevent),
           (SELECT MAX(updated_at) FROM programs_objective),
           (SELECT MAX(updated_at) FROM programs_strategy),
           (SELECT MAX(updated_at) FROM programs_partnerinstitution),
           (SELECT MAX(updated_at) FROM programs_country),
           (SELECT MAX(updated_at) FROM evaluations_recommendation),
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


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$day": value.isoformat()}
    if isinstance(value, dict):
        return {"$map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$d" in value:
            return Decimal(value["$d"])
        if "$t" in value:
            return parse_datetime(value["$t"])
        if "$day" in value:
            return parse_date(value["$day"])
        if "$map" in value:
            return {_decode(k): _decode(v) for k, v in value["$map"]}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


# Set while the refresh task runs: it must compute outdated figures, never serve them.
_must_be_current = contextvars.ContextVar("dashboard_figures_must_be_current", default=False)
_refresh_requested_at = 0.0
_refresh_request_lock = threading.Lock()


# Scopes that figures_refresh recomputes; the others (a country, a flag list) are cheap
# enough, or rare enough, to be computed on the view that finds them outdated.
BACKGROUND_SCOPES = ("portfolio:", "region:")


def _may_serve_outdated(scope: str, snapshot: FigureSnapshot, now: dt.datetime) -> bool:
    from .tasks import figures_refresh as task

    max_age = settings.DASHBOARD_FIGURES_MAX_AGE
    if max_age <= 0 or _must_be_current.get() or task.app.conf.task_always_eager:
        return False
    if not scope.startswith(BACKGROUND_SCOPES):
        return False
    return now - snapshot.computed_at <= dt.timedelta(seconds=max_age)


def _request_refresh() -> None:
    """Ask a worker to refresh the figures, at most every few seconds per process."""
    global _refresh_requested_at
    interval = max(5.0, settings.DASHBOARD_FIGURES_MAX_AGE / 2)
    with _refresh_request_lock:
        if time.monotonic() - _refresh_requested_at < interval:
            return
        _refresh_requested_at = time.monotonic()
    from infrastructure.task_dispatch import publish

    from .tasks import figures_refresh as task

    publish(task, defer=False)  # if the broker is down, the next view computes them


def figures(scope: str, computations: dict[str, Callable[[], Any]]) -> tuple[dict[str, Any], dt.datetime | None]:
    """The figure sets ``computations`` of ``scope``: stored ones when current (or outdated
    but young enough while a worker refreshes them, see the module docstring), the others
    computed now and stored. Returns (figures by name, oldest computed_at)."""
    now = timezone.now()  # before reading: a figure is "as of" the moment its inputs were read
    version = inputs_version()
    stored = {s.name: s for s in FigureSnapshot.objects.filter(scope=scope, name__in=list(computations))}
    result, stamps = {}, []
    for name, compute in computations.items():
        snapshot = stored.get(name)
        if snapshot is not None and snapshot.inputs_version == version:
            result[name] = _decode(snapshot.data)
            stamps.append(snapshot.computed_at)
            continue
        if snapshot is not None and _may_serve_outdated(scope, snapshot, now):
            result[name] = _decode(snapshot.data)
            stamps.append(snapshot.computed_at)
            _request_refresh()
            continue
        value = compute()
        _store(scope, name, value, version, now)
        result[name] = value
        stamps.append(now)
    return result, (min(stamps) if stamps else None)


def _store(scope: str, name: str, value: Any, version: str, now: dt.datetime) -> None:
    try:
        with transaction.atomic():
            FigureSnapshot.objects.update_or_create(
                scope=scope, name=name, defaults={"data": _encode(value), "inputs_version": version, "computed_at": now}
            )
    except IntegrityError:
        pass  # a concurrent request stored the same figures first


def figures_refresh() -> int:
    """Bring the figures a worker refreshes in the background (``BACKGROUND_SCOPES``: the
    portfolio in both region schemes, the country index and goal coverage, every region)
    up to date; returns the number of page builds run, 0 if another refresh is running.
    Each scope's figures commit as they are stored, so pages never wait for the whole
    refresh. Called by the Celery task."""
    from infrastructure.locks import scope_lock_held
    from programs.models import Region, RegionScheme

    from . import selectors

    token = _must_be_current.set(True)
    try:
        with scope_lock_held("dashboards.figures_refresh") as acquired:
            if not acquired:
                return 0
            builds = [lambda scheme=scheme: selectors.portfolio_dashboard(scheme=scheme) for scheme in RegionScheme.values]
            builds += [selectors.country_index, selectors.goal_coverage]
            builds += [lambda region=region: selectors.region_dashboard(region=region) for region in Region.objects.all()]
            for build in builds:
                build()
            return len(builds)
    finally:
        _must_be_current.reset(token)

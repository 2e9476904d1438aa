"""Stored aggregate figures (FigureSnapshot), so that dashboards read summary rows instead
of aggregating 20,000 programs on every request.

A page asks for the figure sets of one scope at once (one query for the inputs version,
one for the rows); a missing or outdated set is computed with its set-based SQL function
and stored. The inputs version is the latest change of every input table (indexed
``updated_at`` maxima and the latest score id), read in one query: any edit, import or
recompute changes it. ``figures_refresh`` (Celery task ``dashboards.tasks``) warms the
portfolio and every region after data loads and on a schedule.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

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


def inputs_version() -> str:
    """A fingerprint of the inputs' latest changes (and today's date, as the overdue and
    vetting flags depend on the day)."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL, [timezone.localdate().isoformat()])
        row = cursor.fetchone()
    return "|".join("" if value is None else str(value) for value in row)[:400]


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


def figures(scope: str, computations: dict[str, Callable[[], Any]]) -> tuple[dict[str, Any], dt.datetime | None]:
    """The figure sets ``computations`` of ``scope``: stored ones when current, the
    others computed now and stored. Returns (figures by name, oldest computed_at)."""
    version = inputs_version()
    stored = {s.name: s for s in FigureSnapshot.objects.filter(scope=scope, name__in=list(computations))}
    result, stamps = {}, []
    for name, compute in computations.items():
        snapshot = stored.get(name)
        if snapshot is not None and snapshot.inputs_version == version:
            result[name] = _decode(snapshot.data)
            stamps.append(snapshot.computed_at)
            continue
        value = compute()
        now = timezone.now()
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
    """Compute (if outdated) the snapshots of the portfolio and of every region; returns
    the number of scopes refreshed. Called by the Celery task."""
    from programs.models import Region

    from . import selectors

    selectors.portfolio_dashboard()
    selectors.country_index()
    selectors.goal_coverage()
    count = 1
    for region in Region.objects.all():
        selectors.region_dashboard(region=region)
        count += 1
    return count

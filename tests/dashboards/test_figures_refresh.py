"""Serving stored figures while a worker refreshes them (dashboards/selectors/snapshots.py): with a
broker, a page whose figures' inputs changed shows the stored figures (with the time they
were computed) as long as they are younger than DASHBOARD_FIGURES_MAX_AGE, and a real
worker brings them up to date; past that age the page computes them itself."""
from __future__ import annotations

import datetime as dt
import time

import psycopg2
import pytest
from django.urls import reverse

from django.core.cache import caches

from dashboards.selectors import snapshots
from programs import models as m
from programs.fiscal import funding_window

from tests.factories.dashboards import portfolio_build, summarise


def _stored(scope: str, name: str) -> snapshots.StoredFigures | None:
    return caches[snapshots.CACHE_ALIAS].get(snapshots.cache_key(scope, name))


def _portfolio_scope() -> str:
    return f"portfolio:{funding_window()[0]}"


def _planned_total(client) -> int:
    return _portfolio_view(client)[0]


def _portfolio_view(client):
    """The planned total the portfolio shows, and when its figures were computed."""
    dashboard = client.get(reverse("dashboards:portfolio")).context["dashboard"]
    return {t["label"]: t["value"] for t in dashboard.totals}["planned, all years"], dashboard.extra["figures_computed_at"]


@pytest.fixture
def serve_while_refreshing(settings, monkeypatch):
    from ssa_portal.celery import app

    settings.DASHBOARD_FIGURES_MAX_AGE = 60
    caches[snapshots.CACHE_ALIAS].clear()  # no figures (nor refresh request) left by an earlier test
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # a broker and a worker are there to refresh
    yield
    app.conf.task_always_eager = eager


@pytest.mark.worker
def test_outdated_figures_are_served_while_a_real_worker_refreshes_them(
    celery_worker_process, serve_while_refreshing, client, manager
):
    # Given a portfolio page viewed once (figures stored)
    portfolio_build()
    summarise()
    client.force_login(manager)
    before, computed_at = _portfolio_view(client)

    # When funding is added, the next view still shows the stored figures, and says when
    # they were computed
    program = m.Program.objects.filter(archived_at__isnull=True).first()
    m.Funding.objects.create(program=program, fiscal_year=2028, planned=1_000_000)
    assert _portfolio_view(client) == (before, computed_at)

    # Then the worker, asked by that view, refreshes them, and a later view shows the change
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _planned_total(client) == before:
        time.sleep(0.5)
    assert _planned_total(client) == before + 1_000_000


@pytest.mark.django_db
def test_figures_older_than_the_max_age_are_computed_on_the_view(serve_while_refreshing, client, manager):
    portfolio_build()
    summarise()
    client.force_login(manager)
    before = _planned_total(client)
    program = m.Program.objects.filter(archived_at__isnull=True).first()
    m.Funding.objects.create(program=program, fiscal_year=2028, planned=1_000_000)
    # Stored figures computed two minutes ago: too old to be served once outdated
    cache, two_minutes_ago = caches[snapshots.CACHE_ALIAS], dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=2)
    for name in ("funding_by_fy", "funding_by_status", "funding_by_country", "funding_by_goal", "flag_counts",
                 f"funding_by_region_{m.RegionScheme.STATE_BUREAU}"):
        stored = _stored(_portfolio_scope(), name)
        cache.set(snapshots.cache_key(_portfolio_scope(), name),
                  snapshots.StoredFigures(stored.inputs_version, two_minutes_ago, stored.value))
    assert _planned_total(client) == before + 1_000_000


@pytest.mark.django_db(transaction=True)
def test_a_refresh_while_another_runs_does_nothing():
    from django.db import connection

    from infrastructure.locks import _key

    portfolio_build()
    settings_dict = connection.settings_dict
    other = psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"],
                             host=settings_dict["HOST"], port=settings_dict["PORT"])
    try:
        with other.cursor() as cursor:  # another worker's refresh holds the lock
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", _key("dashboards.figures_refresh"))
        caches[snapshots.CACHE_ALIAS].clear()
        assert snapshots.figures_refresh() == 0
        assert _stored(_portfolio_scope(), "funding_by_fy") is None
        with other.cursor() as cursor:  # released now (closing releases it only later, server-side)
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key("dashboards.figures_refresh"))
    finally:
        other.close()
    assert snapshots.figures_refresh() > 0
    region = m.Region.objects.get(scheme=m.RegionScheme.STATE_BUREAU, code="AF")
    assert _stored(f"region:{region.id}:{funding_window()[0]}", "funding_by_fy") is not None

"""Serving stored figures while a worker refreshes them (dashboards/snapshots.py): with a
broker, a page whose figures' inputs changed shows the stored figures (with the time they
were computed) as long as they are younger than DASHBOARD_FIGURES_MAX_AGE, and a real
worker brings them up to date; past that age the page computes them itself."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse

from dashboards import snapshots
from dashboards.models import FigureSnapshot
from programs import models as m

from .portfolio_data import portfolio_build, summarise


def _planned_total(client) -> int:
    totals = client.get(reverse("dashboards:portfolio")).context["dashboard"].totals
    return {t["label"]: t["value"] for t in totals}["planned, all years"]


@pytest.fixture
def serve_while_refreshing(settings, monkeypatch):
    settings.DASHBOARD_FIGURES_MAX_AGE = 60
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(snapshots, "_refresh_requested_at", 0.0)


@pytest.mark.worker
def test_outdated_figures_are_served_while_a_real_worker_refreshes_them(
    celery_worker_process, serve_while_refreshing, client, manager
):
    # Given a portfolio page viewed once (figures stored)
    portfolio_build()
    summarise()
    client.force_login(manager)
    before = _planned_total(client)
    computed_at = FigureSnapshot.objects.filter(scope__startswith="portfolio:").latest("computed_at").computed_at

    # When funding is added, the next view still shows the stored figures, instantly
    program = m.Program.objects.filter(archived_at__isnull=True).first()
    m.Funding.objects.create(program=program, fiscal_year=2028, planned=1_000_000)
    assert _planned_total(client) == before
    assert FigureSnapshot.objects.filter(scope__startswith="portfolio:").latest("computed_at").computed_at == computed_at

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
    FigureSnapshot.objects.update(computed_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=2))
    assert _planned_total(client) == before + 1_000_000

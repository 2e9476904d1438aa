"""The program page's results panel and per-MOE expansion (issue 16 items 0 and 2)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.services.rollups import rollups_recompute
from tests import factories

pytestmark = pytest.mark.django_db


def _moe(program, name, targets, actuals, evidence=""):
    moe = factories.MoeFactory(program=program, name=name)
    for number, value in enumerate(targets, start=1):
        factories.TargetFactory(moe=moe, period=f"FY2026-Q{number}", value=D(value))
    for number, value in enumerate(actuals, start=1):
        factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{number}", value=D(value), evidence_url=evidence)
    return moe


def test_the_summary_counts_moes_on_track_with_targets_results_and_evidence(client, analyst_a, program_a):
    _moe(program_a, "On track", [100, 100], [90, 95], evidence="https://example.gov/r.pdf")
    _moe(program_a, "Off track", [100], [10])
    _moe(program_a, "Targets only", [100], [])
    factories.MoeFactory(program=program_a, name="Nothing yet")
    rollups_recompute()
    client.force_login(analyst_a)
    page = client.get(reverse("programs:program-detail", args=[program_a.pk])).content.decode()
    counts = {key: page.split(f'data-count="{key}"><span class="figure">')[1].split("<")[0]
              for key in ("on_track", "needs_attention", "off_track", "with_targets", "with_results", "with_evidence")}
    assert counts == {"on_track": "1", "needs_attention": "0", "off_track": "1", "with_targets": "3",
                      "with_results": "2", "with_evidence": "1"}
    assert "of 4 MOEs on track" in page


def test_each_moe_expands_to_every_period_with_percent_met_and_a_chart(client, analyst_a, program_a):
    moe = _moe(program_a, "Officers trained", [100, 200], [90])
    rollups_recompute()
    client.force_login(analyst_a)
    page = client.get(reverse("programs:program-detail", args=[program_a.pk])).content.decode()
    details = page.split(f'<details class="moe-periods" id="moe-periods-{moe.pk}" data-moe="{moe.pk}">')[1].split("</details>")[0]
    assert '<th scope="row">FY2026-Q1</th><td class="num">100</td><td class="num">90</td>' in details
    assert '90.0% <span class="iptt-status">On track</span>' in details
    assert '<th scope="row">FY2026-Q2</th><td class="num">200</td><td class="num">—</td>' in details
    charts = page.split('id="moe-charts"')[1]
    assert charts.count("<svg") == 1 and f'aria-labelledby="moe-{moe.pk}-title' in charts
    assert f'href="#moe-periods-{moe.pk}"' in charts


def test_the_program_page_queries_stay_flat_as_moes_grow(client, analyst_a, program_a):
    _moe(program_a, "First", [100], [90])
    rollups_recompute()
    client.force_login(analyst_a)
    url = reverse("programs:program-detail", args=[program_a.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(6):
        _moe(program_a, f"More {number}", [100, 100, 100], [50, 70, 90], evidence="https://example.gov/e")
    rollups_recompute()
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert len(large) == len(small) and page.count('class="moe-chart"') == 7

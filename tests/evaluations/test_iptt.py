"""The target-vs-actual report (IPTT): its figures, layout options, pinned reports, files
and query counts (issue 16 item 0)."""
from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal as D

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.computations.iptt import LOP, PTD, PeriodFigure, summary_pairings
from evaluations.computations.iptt_sql import summary_pairings_sql
from evaluations.models import MoeAchievement, PinnedReport
from evaluations.selectors.iptt import IpttOptions, iptt_report
from evaluations.services.rollups import rollups_recompute
from programs import models as m
from tests import factories

pytestmark = pytest.mark.django_db
URL = "evaluations:target-vs-actual"


def _quarterly(program, name, targets, actuals, **moe_fields):
    """An MOE of ``program`` with targets and approved actuals from FY2026-Q1 on."""
    moe = factories.MoeFactory(program=program, name=name, **moe_fields)
    quarters = [f"FY{2026 + i // 4}-Q{i % 4 + 1}" for i in range(12)]
    for period, value in zip(quarters, targets):
        if value is not None:
            factories.TargetFactory(moe=moe, period=period, value=D(value))
    for period, value in zip(quarters, actuals):
        if value is not None:
            factories.MeasurementFactory(moe=moe, period=period, value=D(value))
    return moe


@pytest.fixture
def cumulative_program(program_a):
    """Program A with a cumulative MOE (targets 100, 200, 300, 400; values 80, 90, 120)."""
    _quarterly(program_a, "Officers trained", [100, 200, 300, 400], [80, 90, 120], is_cumulative=True)
    rollups_recompute()
    return program_a


def test_cumulative_moe_shows_running_totals_and_life_of_program_figures(cumulative_program):
    report = iptt_report(cumulative_program, IpttOptions(today=dt.date(2026, 9, 30)))
    row = report.groups[0].rows[0]
    assert [c.label for c in report.columns] == ["FY2026-Q1", "FY2026-Q2", "FY2026-Q3", "FY2026-Q4"]
    figures = {label: (target, actual, met.achievement, met.status) for label, target, actual, met in row.figures}
    assert figures["FY2026-Q2"][:2] == (D(200), D(170))       # running total 80 + 90
    assert figures["FY2026-Q3"][:3] == (D(300), D(290), pytest.approx(290 / 300))
    assert figures["Life of program"][:3] == (D(400), D(290), pytest.approx(290 / 400))
    assert figures["Program to date"] == (D(300), D(290), pytest.approx(290 / 300), "on_track")
    assert figures["Life of program"][3] == "needs_attention"
    assert row.status == "on_track" and "Σ cumulative" in row.note

"""The IPTT's summary figures (fiscal-year, life-of-program and program-to-date): the
small pure reference, held equal by tests to the set-based SQL of
:mod:`evaluations.computations.iptt_sql` that the report runs.

Inputs are one MOE's stored period figures (``MoeAchievement`` rows: target, actual,
period end; the actual already follows the MOE's cumulative rule of
:func:`programs.actuals.period_actual`, so a cumulative MOE's actual is a running total).
Each summary pairs a *target* with an *actual* inside a window of periods:

* **fiscal year** (the report rolled up to annual): the year's last targeted period's
  target (the year-end target) and the year's latest approved actual;
* **life of program (LOP)**: the MOE's last target (the end-of-program target) and its
  latest approved actual;
* **program to date (PTD)**: the latest approved actual and the last target due by then
  (the last targeted period ending on or before the actual's period).

Percent met is the portal's one achievement formula
(:func:`evaluations.computations.achievement.period_achievement`: baseline-relative,
mirrored for "decrease is better") and the status its bands (:func:`status_of`). The
latest period is the one ending last; a year and its Q4 end together and the shorter code
(the year) counts as later, as in ``MoeAchievement``'s ordering.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .achievement import fiscal_year_of_period, period_achievement, status_of

LOP = "LOP"
PTD = "PTD"


@dataclass(frozen=True)
class PeriodFigure:
    """One stored period of an MOE (value units: the MOE's own)."""

    period: str
    period_end: dt.date
    target: Decimal | None
    actual: Decimal | None


@dataclass(frozen=True)
class Pairing:
    """The target and actual a summary compares, with the periods they come from."""

    target: Decimal | None
    target_period: str | None
    actual: Decimal | None
    actual_period: str | None


@dataclass(frozen=True)
class Met:
    """Percent met of a pairing: ``achievement`` a raw fraction (1.0 = met; None = no data)
    and its status (on_track / needs_attention / off_track / no_data)."""

    achievement: float | None
    status: str


def _order(figure: PeriodFigure) -> tuple[dt.date, int]:
    return (figure.period_end, -len(figure.period))


def _last(figures: Iterable[PeriodFigure], attribute: str, until: dt.date | None = None) -> PeriodFigure | None:
    candidates = [f for f in figures if getattr(f, attribute) is not None and (until is None or f.period_end <= until)]
    return max(candidates, key=_order) if candidates else None


def _pairing(target_row: PeriodFigure | None, actual_row: PeriodFigure | None) -> Pairing:
    return Pairing(
        target=target_row.target if target_row else None,
        target_period=target_row.period if target_row else None,
        actual=actual_row.actual if actual_row else None,
        actual_period=actual_row.period if actual_row else None,
    )


def summary_pairings(figures: Iterable[PeriodFigure], *, per_year: bool) -> dict[str | int, Pairing]:
    """The pairings of one MOE: ``LOP`` and ``PTD`` always, and each fiscal year (int key)
    that has a target or an actual when ``per_year``. Pure: no query."""
    figures = list(figures)
    latest_actual = _last(figures, "actual")
    found: dict[str | int, Pairing] = {
        LOP: _pairing(_last(figures, "target"), latest_actual),
        PTD: _pairing(
            _last(figures, "target", until=latest_actual.period_end) if latest_actual else None, latest_actual
        ),
    }
    if per_year:
        years: dict[int, list[PeriodFigure]] = {}
        for figure in figures:
            years.setdefault(fiscal_year_of_period(figure.period), []).append(figure)
        for year, rows in years.items():
            pairing = _pairing(_last(rows, "target"), _last(rows, "actual"))
            if pairing.target is not None or pairing.actual is not None:
                found[year] = pairing
    return found


def percent_met(pairing: Pairing, *, direction: str, baseline: Decimal) -> Met:
    """Percent met of a pairing (no data unless it has both a target and an actual)."""
    if pairing.target is None or pairing.actual is None:
        return Met(None, "no_data")
    achievement = period_achievement(
        direction=direction, baseline=Decimal(baseline), target=Decimal(pairing.target), actual=Decimal(pairing.actual)
    )
    return Met(achievement, status_of(achievement))

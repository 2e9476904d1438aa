"""US federal fiscal years, quarters and reporting periods.

FY2027 runs from 1 October 2026 to 30 September 2027; its Q1 is October-December 2026,
its first half (H1) October 2026-March 2027. A reporting period is written as a code:
``FY2027`` (whole year), ``FY2027-H1``/``FY2027-H2`` (half) or ``FY2027-Q1``..``-Q4``.
Periods are ordered by their end date, which the models store beside the code so that
SQL can order and accumulate them.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from infrastructure.dates import date_text

MIN_FISCAL_YEAR = 1990
MAX_FISCAL_YEAR = 2100
# The days those years cover: every date the portal records (a baseline, a collection, a
# vetting request, an assessment...) falls between them (``recorded_date_problem``).
FIRST_RECORDED_DAY = dt.date(MIN_FISCAL_YEAR - 1, 10, 1)
LAST_RECORDED_DAY = dt.date(MAX_FISCAL_YEAR, 9, 30)
# Days after a reporting period ends before its values are overdue, until administrators
# set another grace period (notifications.models.ReportingPolicy); the demo is written for it.
DEFAULT_GRACE_DAYS = 30

# How people may write a period (messages quote it).
PERIOD_SPELLINGS = "FY2027, FY2027-H1 or FY2027-Q1"
_PERIOD_RE = re.compile(r"^FY(?P<fy>\d{4})(?:-(?P<kind>[QH])(?P<n>\d))?$", re.ASCII)
# The codes Period.parse accepts written exactly (any case, no spaces), as a JSON Schema
# pattern (the API's period filter states it; tests/programs/test_fiscal_period_pattern.py
# holds it equal to Period.parse over every year and suffix around the bounds).
PERIOD_CODE_PATTERN = r"^[Ff][Yy](199[0-9]|20[0-9][0-9]|2100)(-([Qq][1-4]|[Hh][12]))?$"


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year a calendar day falls in (October starts the next FY)."""
    return day.year + 1 if day.month >= 10 else day.year


def fiscal_quarter_of(day: dt.date) -> int:
    """The fiscal quarter (1-4) a calendar day falls in; Q1 is October-December."""
    return ((day.month - 10) % 12) // 3 + 1


def fiscal_year_start(fiscal_year: int) -> dt.date:
    return dt.date(fiscal_year - 1, 10, 1)


def fiscal_year_end(fiscal_year: int) -> dt.date:
    return dt.date(fiscal_year, 9, 30)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def quarter_bounds(fiscal_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter must be 1-4, not {quarter}")
    first_month = (10 + 3 * (quarter - 1) - 1) % 12 + 1
    year = fiscal_year - 1 if first_month >= 10 else fiscal_year
    last_month = first_month + 2
    return dt.date(year, first_month, 1), _month_end(year, last_month)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: a fiscal year, a half (1-2) or a quarter (1-4) of it."""

    fiscal_year: int
    kind: str = "Y"  # "Y" whole year, "H" half, "Q" quarter
    number: int = 0

    def __post_init__(self) -> None:
        if not MIN_FISCAL_YEAR <= self.fiscal_year <= MAX_FISCAL_YEAR:
            raise ValueError(
                f"fiscal year must be between {MIN_FISCAL_YEAR} and {MAX_FISCAL_YEAR}"
            )
        valid = {"Y": (0,), "H": (1, 2), "Q": (1, 2, 3, 4)}
        if self.kind not in valid or self.number not in valid[self.kind]:
            raise ValueError(f"invalid period {self.kind}{self.number}")

    @classmethod
    def parse(cls, code: str) -> Period:
        """Parse ``FY2027``, ``FY2027-H1`` or ``FY2027-Q3`` (case and spaces ignored)."""
        match = _PERIOD_RE.match(code.strip().upper().replace(" ", ""))
        if not match:
            raise ValueError(f"'{code}' is not a period; use {PERIOD_SPELLINGS}")
        kind = match["kind"] or "Y"
        return cls(int(match["fy"]), kind, int(match["n"] or 0))

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        return cls(fiscal_year_of(day), "Q", fiscal_quarter_of(day))

    @property
    def code(self) -> str:
        return f"FY{self.fiscal_year}" if self.kind == "Y" else f"FY{self.fiscal_year}-{self.kind}{self.number}"

    @property
    def start(self) -> dt.date:
        if self.kind == "Q":
            return quarter_bounds(self.fiscal_year, self.number)[0]
        if self.kind == "H":
            return quarter_bounds(self.fiscal_year, 2 * self.number - 1)[0]
        return fiscal_year_start(self.fiscal_year)

    @property
    def end(self) -> dt.date:
        if self.kind == "Q":
            return quarter_bounds(self.fiscal_year, self.number)[1]
        if self.kind == "H":
            return quarter_bounds(self.fiscal_year, 2 * self.number)[1]
        return fiscal_year_end(self.fiscal_year)

    def __str__(self) -> str:
        return self.code


def quarters_of(fiscal_year: int) -> list[Period]:
    return [Period(fiscal_year, "Q", q) for q in (1, 2, 3, 4)]


def current_fiscal_year(today: dt.date | None = None) -> int:
    return fiscal_year_of(today or dt.date.today())


def funding_window(today: dt.date | None = None) -> tuple[int, int]:
    """The rollup funding window: the current fiscal year and the two before it."""
    fy = current_fiscal_year(today)
    return fy - 2, fy


def recorded_date_problem(day: dt.date | None) -> str | None:
    """Why ``day`` cannot be a date the portal records, or None: it falls outside the fiscal
    years the portal knows (FY1990, which began Oct 1, 1989, to FY2100, which ends Sep 30,
    2100). A date of 1900 or 2999 is a typing slip, not a baseline or a vetting request."""
    if day is None:
        return None
    if day < FIRST_RECORDED_DAY:
        return (f"{date_text(day)} is before FY{MIN_FISCAL_YEAR}, the earliest fiscal year the portal records "
                f"(it began {date_text(FIRST_RECORDED_DAY)}).")
    if day > LAST_RECORDED_DAY:
        return (f"{date_text(day)} is after FY{MAX_FISCAL_YEAR}, the latest fiscal year the portal records "
                f"(it ends {date_text(LAST_RECORDED_DAY)}).")
    return None


def validate_recorded_date(day: dt.date | None) -> None:
    """Field validator of every date a person enters (models, hence their forms and the
    API's model serializers): ``recorded_date_problem`` as a ValidationError."""
    problem = recorded_date_problem(day)
    if problem:
        raise ValidationError(problem, code="outside_fiscal_years")

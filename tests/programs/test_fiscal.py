"""US federal fiscal years, quarters and reporting periods."""
import datetime as dt

import pytest

from programs.fiscal import (
    Period,
    fiscal_quarter_of,
    fiscal_year_of,
    funding_window,
    quarter_bounds,
)


@pytest.mark.parametrize(
    "day, fy, quarter",
    [
        (dt.date(2026, 9, 30), 2026, 4),
        (dt.date(2026, 10, 1), 2027, 1),
        (dt.date(2026, 12, 31), 2027, 1),
        (dt.date(2027, 1, 1), 2027, 2),
        (dt.date(2027, 3, 31), 2027, 2),
        (dt.date(2027, 4, 1), 2027, 3),
        (dt.date(2027, 6, 30), 2027, 3),
        (dt.date(2027, 7, 1), 2027, 4),
    ],
)
def test_fiscal_year_and_quarter_boundaries(day, fy, quarter):
    assert fiscal_year_of(day) == fy
    assert fiscal_quarter_of(day) == quarter
    assert Period.quarter_of(day) == Period(fy, "Q", quarter)


def test_quarter_bounds_of_fy2027():
    assert quarter_bounds(2027, 1) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter_bounds(2027, 2) == (dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    assert quarter_bounds(2027, 4) == (dt.date(2027, 7, 1), dt.date(2027, 9, 30))


@pytest.mark.parametrize(
    "code, start, end",
    [
        ("FY2027", dt.date(2026, 10, 1), dt.date(2027, 9, 30)),
        ("fy2027-q1", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("FY2027-H1", dt.date(2026, 10, 1), dt.date(2027, 3, 31)),
        ("FY2027-H2", dt.date(2027, 4, 1), dt.date(2027, 9, 30)),
        ("FY2024-Q2", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),  # leap year end of Feb inside
    ],
)
def test_period_parse_and_bounds(code, start, end):
    period = Period.parse(code)
    assert (period.start, period.end) == (start, end)
    assert Period.parse(period.code) == period


@pytest.mark.parametrize("code", ["", "2027", "FY27", "FY2027-Q5", "FY2027-H3", "FY1800", "FY2027Q1x"])
def test_period_parse_rejects_bad_codes(code):
    with pytest.raises(ValueError):
        Period.parse(code)


def test_periods_order_by_end_date():
    codes = ["FY2027", "FY2027-Q1", "FY2027-H1", "FY2026-Q4"]
    assert sorted(codes, key=lambda c: Period.parse(c).end) == ["FY2026-Q4", "FY2027-Q1", "FY2027-H1", "FY2027"]


def test_funding_window_is_current_and_two_before():
    assert funding_window(dt.date(2026, 11, 25)) == (2025, 2027)
    assert funding_window(dt.date(2026, 9, 30)) == (2024, 2026)

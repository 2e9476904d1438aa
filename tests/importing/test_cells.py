"""Reading cells: amounts, fiscal years, periods, dates, yes/no, choices, lists, totals labels."""
import datetime as dt
from decimal import Decimal

import pytest

from programs.importing import cells
from programs.importing.cells import CellError
from programs.models import Purpose


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1250000", Decimal("1250000")),
        ("1,250,000", Decimal("1250000")),
        ("$1,250,000.50", Decimal("1250000.50")),
        ("US$ 7", Decimal("7")),
        ("USD 1,000", Decimal("1000")),
        ("1,000 USD", Decimal("1000")),
        (" 42 ", Decimal("42")),
        ("-", Decimal("0")),
        ("\u2013", Decimal("0")),
        ("", Decimal("0")),
        (None, Decimal("0")),
        (1250000, Decimal("1250000")),
        (1250.5, Decimal("1250.5")),
    ],
)
def test_amounts_in_government_spellings_are_read(raw, expected):
    assert cells.amount(raw) == expected


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("(1,234)", "negative amount (accounting parentheses)"),
        ("-500", "is negative"),
        (-500, "is negative"),
        ("1.234,56", "ambiguous"),
        ("1.234.567", "ambiguous"),
        ("1,23", "ambiguous"),
        ("12,34,567", "misplaced thousands separators"),
        ("1 234 567", "spaces between digit groups; write it as 1,234,567 or 1234567"),
        ("12.345", "more than 2 decimal places"),
        ("ten thousand", "is not a number"),
        ("#DIV/0!", "is not a number"),
        (True, "true/false value"),
        (dt.datetime(2027, 1, 1), "is a date"),
    ],
)
def test_amounts_that_cannot_be_read_safely_are_reported(raw, problem):
    with pytest.raises(CellError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        cells.amount(raw)


def test_negative_values_are_allowed_where_the_measure_allows_them():
    assert cells.number("(5)", allow_negative=True) == Decimal("-5")
    assert cells.number("-2.5", allow_negative=True) == Decimal("-2.5")


@pytest.mark.parametrize("raw, year", [("2027", 2027), ("FY2027", 2027), ("fy 2027", 2027), ("FY27", 2027), (2027, 2027), (2027.0, 2027)])
def test_fiscal_years(raw, year):
    assert cells.fiscal_year(raw) == year


@pytest.mark.parametrize("raw, problem", [("1989", "out of range"), ("FY2101", "out of range"), ("27", "not a fiscal year"), ("next year", "not a fiscal year"), (2027.5, "not a fiscal year")])
def test_fiscal_years_out_of_range_or_malformed(raw, problem):
    with pytest.raises(CellError, match=problem):
        cells.fiscal_year(raw)


@pytest.mark.parametrize("raw, code", [("FY2027-Q1", "FY2027-Q1"), ("fy2027 q1", "FY2027-Q1"), ("FY2027Q3", "FY2027-Q3"), ("FY2027-H2", "FY2027-H2"), ("FY2027", "FY2027")])
def test_periods(raw, code):
    assert cells.period(raw) == code


@pytest.mark.parametrize("raw", ["2027-Q1", "FY2027-Q5", "Q1", "FY1800-Q1"])
def test_bad_periods_are_reported(raw):
    with pytest.raises(CellError, match="is not a period"):
        cells.period(raw)


@pytest.mark.parametrize(
    "raw, day",
    [("2026-09-30", dt.date(2026, 9, 30)), ("9/30/2026", dt.date(2026, 9, 30)), (dt.datetime(2026, 9, 30, 0, 0), dt.date(2026, 9, 30)), ("", None),
     (46295, dt.date(2026, 9, 30)), (46295.0, dt.date(2026, 9, 30)), ("46295", dt.date(2026, 9, 30)), ("30 September 2026", dt.date(2026, 9, 30))],
)
def test_dates(raw, day):
    assert cells.date(raw) == day


@pytest.mark.parametrize("raw", ["30.09.2026", "someday", 460, 46000.5, "12345678"])
def test_bad_dates_are_reported(raw):
    with pytest.raises(CellError):
        cells.date(raw)


def test_yes_no():
    assert cells.boolean("Yes") is True and cells.boolean("n") is False and cells.boolean("") is None
    with pytest.raises(CellError, match="not yes or no"):
        cells.boolean("maybe")


def test_choices_by_value_or_label():
    assert cells.choice("build_capacity", Purpose.choices) == "build_capacity"
    assert cells.choice("Build capacity", Purpose.choices) == "build_capacity"
    assert cells.choice("Engage", Purpose.choices) == "engage"
    with pytest.raises(CellError, match="is not one of: engage, build_capacity, enable"):
        cells.choice("train", Purpose.choices)


def test_lists_split_on_semicolons_not_commas():
    assert cells.split_list("Korea, South; Burma\nKEN") == ["Korea, South", "Burma", "KEN"]


@pytest.mark.parametrize("label", ["Total", "TOTAL", "Grand total", "Totals", "Subtotal", "Sub-total FY2027"])
def test_totals_labels(label):
    assert cells.is_totals_label(label)


@pytest.mark.parametrize("label", ["Totalitarian risk program", "DOS-2027-0001", 2027, None])
def test_ordinary_cells_are_not_totals(label):
    assert not cells.is_totals_label(label)


def test_text_length_limit_is_reported():
    with pytest.raises(CellError, match="at most 40"):
        cells.text("x" * 41, max_length=40)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(
    cents=st.integers(min_value=0, max_value=10**14),
    dollar_sign=st.booleans(),
    grouped=st.booleans(),
    padding=st.sampled_from(["", " ", "  "]),
)
def test_any_amount_written_the_usual_ways_reads_back_exactly(cents, dollar_sign, grouped, padding):
    """Given any dollar amount to the cent, written with or without $, thousands separators
    and padding, when it is read, then it is exactly that amount."""
    value = Decimal(cents) / 100
    written = f"{value:,.2f}" if grouped else f"{value:.2f}"
    cell = f"{padding}{'$' if dollar_sign else ''}{written}{padding}"
    assert cells.amount(cell) == value


@given(cents=st.integers(min_value=1, max_value=10**12))
def test_any_accounting_negative_is_refused(cents):
    with pytest.raises(CellError, match="negative"):
        cells.amount(f"({Decimal(cents) / 100:,.2f})")

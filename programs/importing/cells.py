"""Reading one spreadsheet cell into a domain value, or saying exactly what is wrong.

Pure functions: a cell arrives as text (CSV) or as a Python value (XLSX: int, float,
datetime, bool, str) and leaves as a typed value or a :class:`CellError` whose message
names the problem. Numbers follow the portal's one rule for typed numbers
(``infrastructure.numbers``, as the forms read them), plus a lone dash as zero. Amount
rules (government tables are full of them):

* thousands separators ``1,234,567.89``, a leading ``$`` or ``USD``, surrounding spaces;
* a lone ``-`` (or en/em dash) means zero, as accountants write it;
* parentheses ``(1,234)`` are a negative number in accounting notation: reported, since
  no amount we import may be negative;
* ``1.234,56`` (comma as decimal separator) and badly grouped numbers (``1,23``) are
  ambiguous and reported, never guessed.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from infrastructure.exports import FORMULA_START
from infrastructure.numbers import NumberError, foreign_digit_problem, number_from_text

from ..models.measures import MOE_WEIGHT_MIN
from ..fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, PERIOD_SPELLINGS, Period


class CellError(ValueError):
    """A cell that cannot be read; the message says why (the caller adds row and column)."""


_TOTAL = re.compile(r"^(grand\s+|sub-?\s*)?totals?\b", re.IGNORECASE)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: object, *, max_length: int | None = None) -> str:
    """Trimmed text; numbers from XLSX become their plain spelling (2027.0 -> "2027"); the
    apostrophe a portal export puts before formula-like text (``'=1+1``) is dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    if result.startswith("'") and result[1:].startswith(FORMULA_START):
        result = result[1:]  # the apostrophe our exports put before formula-like text
    if "\x00" in result:
        raise CellError("contains a NUL character (binary data), which cannot be stored")
    if max_length is not None and len(result) > max_length:
        raise CellError(f"the text is {len(result)} characters long; at most {max_length} are allowed")
    return result


def is_totals_label(value: object) -> bool:
    """Whether a cell reads like the label of a totals row ("Total", "Grand total", "Subtotal")."""
    return isinstance(value, str) and bool(_TOTAL.match(value.strip()))


def number(value: object, *, allow_negative: bool = False, places: int | None = None, blank: Decimal | None = None) -> Decimal | None:
    """A decimal number from a cell; see the module docstring for the accepted spellings.

    ``blank`` is returned for an empty cell; ``places`` caps the decimal places.
    """
    if isinstance(value, bool):
        raise CellError(f"'{value}' is a true/false value, not a number")
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        raise CellError(f"'{value}' is a date, not a number")
    if isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("the value is not a finite number")
        result = excel_decimal(value)
    elif is_blank(value):
        return blank
    else:
        result = _number_from_text(str(value))
    if not allow_negative and result < 0:
        if isinstance(value, str) and value.strip().startswith("("):
            raise CellError(
                f"'{value.strip()}' is a negative amount (accounting parentheses); enter zero or a positive amount"
            )
        raise CellError(f"{_plain(result)} is negative; enter zero or a positive amount")
    if places is not None:
        try:
            quantized = result.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:  # more digits than decimal arithmetic holds (28)
            raise CellError(f"{_shown(result)} has more digits than any amount or value the portal records "
                            "(at most 14 before the decimal point)") from None
        if result != quantized:
            raise CellError(f"{_plain(result)} has more than {places} decimal places")
        result = quantized
    return result


def weight(value: object) -> Decimal | None:
    """An MOE's weight: a number above zero (at least ``MOE_WEIGHT_MIN``), three decimals
    at most; None for an empty cell."""
    result = number(value, allow_negative=True, places=3)
    if result is not None and result < MOE_WEIGHT_MIN:
        raise CellError(f"{_plain(result.normalize())} is not a weight; enter a number above zero (at least {MOE_WEIGHT_MIN})")
    return result


EXCEL_DIGITS = 15


def excel_decimal(value: float) -> Decimal:
    """A spreadsheet number as Excel shows it: rounded to 15 significant digits, so a
    formula's binary noise goes (``=100.1+200.2`` is stored as 300.29999999999995 and
    read as 300.3)."""
    return Decimal(format(value, f".{EXCEL_DIGITS}g")).normalize() + 0


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _shown(value: Decimal) -> str:
    """A number as the user would recognise it; a very long one in scientific notation."""
    plain = _plain(value)
    return plain if len(plain) <= 30 else format(value, ".3E")


def _number_from_text(raw: str) -> Decimal:
    try:
        return number_from_text(raw, dash_is_zero=True)
    except NumberError as exc:
        raise CellError(str(exc)) from exc


def amount(value: object) -> Decimal:
    """US dollars to the cent, not negative; an empty cell or a dash is zero."""
    return number(value, places=2, blank=Decimal("0"))


def fiscal_year(value: object) -> int:
    """``2027``, ``FY2027``, ``FY 2027`` or ``FY27``; within the portal's fiscal-year range."""
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a fiscal year")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        year = value
    else:
        raw = text(value)
        match = re.fullmatch(r"(?:FY)?\s*(\d{4}|\d{2})", raw.upper(), re.ASCII)
        if not match or (len(match[1]) == 2 and not raw.upper().startswith("FY")):
            raise CellError(f"'{raw}' is not a fiscal year; write it as 2027 or FY2027")
        year = int(match[1]) + (2000 if len(match[1]) == 2 else 0)
    if not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        raise CellError(f"{year} is out of range; fiscal years run from {MIN_FISCAL_YEAR} to {MAX_FISCAL_YEAR}")
    return year


def period(value: object) -> str:
    """A reporting period code: ``FY2027``, ``FY2027-H1``, ``FY2027-Q1`` (also ``FY2027 Q1``)."""
    raw = text(value)
    compact = re.sub(r"[\s_]+", "", raw.upper())
    compact = re.sub(r"^(FY\d{4})([QH]\d)$", r"\1-\2", compact)
    try:
        return Period.parse(compact).code
    except ValueError as exc:
        raise CellError(f"'{raw}' is not a period; use {PERIOD_SPELLINGS}") from exc


_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y")


def date(value: object) -> dt.date | None:
    """A date: an Excel date cell or date serial (46295), ISO ``2026-09-30``, US
    ``9/30/2026`` or written out (``30 September 2026``); empty is None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_serial_date(value)
    raw = text(value)
    problem = foreign_digit_problem(raw, what="date")  # strptime reads any script's digits
    if problem:
        raise CellError(problem)
    if re.fullmatch(r"\d{5}(\.0+)?", raw, re.ASCII):
        return _excel_serial_date(float(raw))
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CellError(f"'{raw}' is not a date; write it as 2026-09-30")


_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's phantom 1900-02-29 included)
_SERIALS = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10: any date the portal holds


def _excel_serial_date(value: float) -> dt.date:
    """An Excel date serial (a date cell formatted as a number, or its text)."""
    if not float(value).is_integer() or not _SERIALS[0] <= value <= _SERIALS[1]:
        raise CellError(f"'{text(value)}' is a number, not a date; write it as 2026-09-30")
    return _EXCEL_EPOCH + dt.timedelta(days=int(value))


_TRUE = {"yes", "y", "true", "t", "1", "x"}
_FALSE = {"no", "n", "false", "f", "0"}


def boolean(value: object) -> bool | None:
    """yes/no, true/false, 1/0, y/n (any case); empty is None (leave as it is)."""
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return None
    raw = text(value).lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise CellError(f"'{text(value)}' is not yes or no")


def choice(value: object, choices: list[tuple[str, str]]) -> str:
    """One of a TextChoices' values, matched on the value or the start of its label."""
    raw = text(value)
    wanted = re.sub(r"[\s\-]+", "_", raw.lower())
    for key, label in choices:
        if wanted == key or raw.lower() == str(label).lower() or str(label).lower().startswith(raw.lower() + ":"):
            return key
    for key, label in choices:
        if raw and str(label).lower().startswith(raw.lower()):
            return key
    allowed = ", ".join(key for key, _ in choices)
    raise CellError(f"'{raw}' is not one of: {allowed}")


def split_list(value: object) -> list[str]:
    """A cell holding several values separated by ``;`` (commas appear inside names such as
    "Korea, South", so they do not separate) or line breaks."""
    return [part.strip() for part in re.split(r"[;\n|]", text(value)) if part.strip()]

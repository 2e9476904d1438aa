"""How MOE values are written for people: at the precision the value has, never the
column's four stored decimals ("18", "12.5", not "18.0000", "12.5000")."""
from __future__ import annotations

from decimal import Decimal


def plain_decimal(value: Decimal | int | float | str | None) -> str:
    """``Decimal("18.0000")`` -> ``"18"``, ``Decimal("12.50")`` -> ``"12.5"``, None -> ``""``;
    never scientific notation (``1E+3`` is written ``1000``)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text

"""Money on the planner's pages: US dollars shown in $M with two decimals."""
from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def musd(value: Decimal | None, signed: str = "") -> str:
    """``12400000`` -> ``12.40``; with ``"signed"``, ``+12.40`` / ``-3.00``; None -> "–"."""
    if value is None:
        return "–"
    amount = Decimal(value) / 1_000_000
    return f"{amount:+,.2f}" if signed else f"{amount:,.2f}"


@register.filter
def per_million(dual: float | None) -> str:
    """A dual (weighted benefit per $M) with three decimals; "–" when not binding."""
    return "–" if not dual else f"{dual:.3f}"

"""Disaggregation rules: a measurement's breakdown by category must add up.

Categories of one dimension (e.g. "sex": female, male) sum to the measurement's value;
when the analyst marks the breakdown partial, to at most the value. Negative category
values only where the MOE's unit allows negatives. Pure functions of already-loaded
values (no query): the measurement service, the approvals queue and the importer share
them.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum


class BreakdownStatus(str, Enum):
    """How a measurement's breakdown stands, as managers see it in the approvals queue."""

    NONE = "none"          # no category values
    COMPLETE = "complete"  # every dimension sums to the value
    PARTIAL = "partial"    # marked partial: every dimension sums to at most the value
    MISMATCH = "mismatch"  # a dimension does not add up, or a refused negative

    @property
    def label(self) -> str:
        return self.value.capitalize() if self is not BreakdownStatus.NONE else "No breakdown"


# (dimension, category name, value) of one recorded category value.
BreakdownItem = tuple[str, str, Decimal]


def _number(value: Decimal) -> str:
    """70.0000 -> "70", 12.5000 -> "12.5" (as people write them)."""
    text = f"{Decimal(value).normalize():f}"
    return text


def breakdown_errors(
    value: Decimal, items: Iterable[BreakdownItem], *, partial: bool, allows_negative: bool, unit: str
) -> list[str]:
    """The problems of a breakdown, one message per dimension (empty when it adds up), e.g.
    "Sex: female 70 + male 50 = 120, but the value is 100."."""
    by_dimension: dict[str, list[tuple[str, Decimal]]] = {}
    for dimension, name, amount in items:
        by_dimension.setdefault(dimension, []).append((name, Decimal(amount)))
    errors = []
    value = Decimal(value)
    for dimension, parts in sorted(by_dimension.items()):
        label = dimension[:1].upper() + dimension[1:]
        negatives = [f"{name} {_number(amount)}" for name, amount in parts if amount < 0]
        if negatives and not allows_negative:
            errors.append(f"{label}: {', '.join(negatives)}: this measure ({unit}) does not allow negative values.")
            continue
        total = sum((amount for _, amount in parts), Decimal(0))
        terms = " + ".join(f"{name} {_number(amount)}" for name, amount in sorted(parts))
        if partial and total > value:
            errors.append(
                f"{label}: {terms} = {_number(total)}, more than the value {_number(value)} (partial breakdown)."
            )
        elif not partial and total != value:
            errors.append(f"{label}: {terms} = {_number(total)}, but the value is {_number(value)}.")
    return errors


def breakdown_status(
    value: Decimal, items: Iterable[BreakdownItem], *, partial: bool, allows_negative: bool, unit: str = ""
) -> BreakdownStatus:
    """none / complete / partial / mismatch of a breakdown (see BreakdownStatus)."""
    items = list(items)
    if not items:
        return BreakdownStatus.NONE
    if breakdown_errors(value, items, partial=partial, allows_negative=allows_negative, unit=unit):
        return BreakdownStatus.MISMATCH
    if breakdown_errors(value, items, partial=False, allows_negative=allows_negative, unit=unit):
        return BreakdownStatus.PARTIAL
    return BreakdownStatus.COMPLETE

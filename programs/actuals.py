"""The actual value of an MOE for a period, as the portal shows it everywhere (rollups,
target-vs-actual report, IATI export): the period's own approved value, or for a
cumulative MOE the running total of the approved values of every period ending on or
before it (a year and its Q4 end on the same day and both count). A period without an
approved value of its own has no actual. Pure: the bulk recompute does the same in SQL
(``evaluations.computations.rollups_sql``), held equal by tests.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal


def period_actual(
    *,
    is_cumulative: bool,
    period_end: dt.date,
    own_value: Decimal | None,
    approved: Iterable[tuple[dt.date, Decimal]],
) -> Decimal | None:
    """The actual of one period: ``own_value`` (the period's approved value, None if none)
    or, for a cumulative MOE, the sum of ``approved`` (period end, value) pairs ending on
    or before ``period_end``. Same unit as the MOE."""
    if own_value is None:
        return None
    if not is_cumulative:
        return own_value
    return sum((value for end, value in approved if end <= period_end), Decimal(0))

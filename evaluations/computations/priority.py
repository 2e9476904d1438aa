"""Evaluation priority: which programs most need an independent evaluation.

Score 0-100 = 40 x funding share + 30 x weakness of MOE data + 30 x time since the last
independent evaluation, where
* funding share = the program's obligated USD over the funding window / the largest
  such amount among running programs (0..1);
* weakness of MOE data = share of its MOEs without an achievement (1 with no MOEs);
* time = years since the last completed independent evaluation / 5, capped at 1
  (1 when never evaluated).
Weights chosen so that a large, unmeasured, never-evaluated program tops the list; the
reasons are shown beside the score.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

FUNDING_WEIGHT, DATA_WEIGHT, TIME_WEIGHT = 40.0, 30.0, 30.0
YEARS_FOR_FULL_TIME_SCORE = 5.0


@dataclass(frozen=True)
class Priority:
    score: float
    reasons: list[str]


def evaluation_priority(
    *, funding: Decimal, max_funding: Decimal, moe_count: int, moes_with_data: int, years_since: float | None
) -> Priority:
    funding_share = float(funding / max_funding) if max_funding > 0 else 0.0
    weakness = 1.0 if moe_count == 0 else (moe_count - moes_with_data) / moe_count
    time = 1.0 if years_since is None else min(years_since / YEARS_FOR_FULL_TIME_SCORE, 1.0)
    score = FUNDING_WEIGHT * funding_share + DATA_WEIGHT * weakness + TIME_WEIGHT * time
    reasons = []
    if funding_share >= 0.5:
        reasons.append(f"large funding: ${funding:,.0f} obligated ({funding_share:.0%} of the largest)")
    if moe_count == 0:
        reasons.append("no measures of effectiveness")
    elif moes_with_data == 0:
        reasons.append(f"no MOE data ({moe_count} MOEs)")
    elif moes_with_data < moe_count:
        reasons.append(f"{moe_count - moes_with_data} of {moe_count} MOEs without data")
    if years_since is None:
        reasons.append("never independently evaluated")
    elif years_since >= 3:
        reasons.append(f"last independent evaluation {years_since:.1f} years ago")
    return Priority(round(score, 1), reasons)

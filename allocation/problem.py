"""The allocation planner's inputs and results as plain data (no database, no solver).

Units: every amount is in millions of US dollars (``float``, "$M"); a weight is the
country's selectivity score / 100 (0..1); benefit is "weighted $M": one $M spent on the
first (steepest) segment of a country with weight 1 is worth 1. See docs/allocation.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Breakpoints of the concave benefit curve, as fractions of the country's ceiling, and
# the marginal benefit (slope) of each segment: the first third of the ceiling is worth
# 1.0 per $M, the second 0.6, the last 0.3 (diminishing returns).
BREAKPOINTS: tuple[float, ...] = (1 / 3, 2 / 3, 1.0)
SLOPES: tuple[float, ...] = (1.0, 0.6, 0.3)

# Amounts closer than this ($M, i.e. $1) count as equal when deciding what binds.
TOLERANCE_MUSD = 1e-6


@dataclass(frozen=True)
class CountryInput:
    """One country: its weight, its total minimum and ceiling, and per-account inputs.

    ``commitments``: account -> $M of planned funding of running programs (the floors).
    ``eligible_accounts``: accounts in which it may receive money beyond commitments.
    ``minimum`` applies to the total over accounts and only if some account is eligible.
    """

    key: str
    name: str
    weight: float
    ceiling: float
    minimum: float = 0.0
    commitments: dict[str, float] = field(default_factory=dict)
    eligible_accounts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    """Envelopes (account -> $M available) and the countries competing for them."""

    envelopes: dict[str, float]
    countries: tuple[CountryInput, ...]
    breakpoints: tuple[float, ...] = BREAKPOINTS
    slopes: tuple[float, ...] = SLOPES


@dataclass(frozen=True)
class Line:
    """The allocation of one country in one account, and what holds it where it is."""

    country: str
    account: str
    amount: float
    commitment: float
    eligible: bool
    binding: tuple[str, ...]


@dataclass(frozen=True)
class CountryOutcome:
    """One country's total, its floor and ceiling, and the value of one more $M of ceiling."""

    country: str
    total: float
    minimum_applied: float
    ceiling: float
    benefit: float
    ceiling_binds: bool
    minimum_binds: bool
    ceiling_dual: float


@dataclass(frozen=True)
class AccountOutcome:
    """One envelope: its amount, how much is allocated, and the value of one more $M."""

    account: str
    envelope: float
    allocated: float
    commitments: float
    binds: bool
    dual: float


@dataclass(frozen=True)
class Shortfall:
    """Why a scenario cannot be solved, in the planner's words, with the figures."""

    message: str
    account: str = ""
    country: str = ""
    amount: float = 0.0


@dataclass(frozen=True)
class Result:
    """A solved scenario (``feasible``) or the reasons it cannot be solved (``shortfalls``)."""

    feasible: bool
    objective: float = 0.0
    lines: tuple[Line, ...] = ()
    countries: tuple[CountryOutcome, ...] = ()
    accounts: tuple[AccountOutcome, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    variables: int = 0
    constraints: int = 0


def benefit(total: float, *, ceiling: float, weight: float, breakpoints=BREAKPOINTS, slopes=SLOPES) -> float:
    """The weighted benefit of ``total`` $M to a country: the concave curve, by hand.

    Used to explain one figure and by the tests' brute-force search; the solver builds
    the same curve from segments.
    """
    value, start = 0.0, 0.0
    for point, slope in zip(breakpoints, slopes):
        end = point * ceiling
        value += slope * max(0.0, min(total, end) - start)
        start = end
    return weight * value

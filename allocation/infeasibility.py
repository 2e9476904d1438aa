"""Why a scenario cannot be solved, in plain words computed from its figures.

Three things can make the allocation impossible, checked in this order:
1. an account's commitments exceed its envelope (the running programs alone overspend it);
2. a country's commitments, or its minimum, exceed its ceiling;
3. the minimums together need more new money than the envelopes open to those countries
   hold (found by the phase-one program, which minimises the shortfall of the minimums).
"""
from __future__ import annotations

from .problem import TOLERANCE_MUSD, Problem, Shortfall

LISTED = 5  # countries named in a message; the rest are summed as "N others"


def musd(amount: float) -> str:
    """$M for people: "$12.4 M", "$0.25 M", "$0.004 M"."""
    if abs(amount) >= 0.95:
        return f"${amount:,.1f} M"
    return f"${amount:,.2f} M" if abs(amount) >= 0.0095 else f"${amount:,.3f} M"


def _named(parts: list[tuple[str, float]]) -> str:
    parts = sorted(parts, key=lambda p: (-p[1], p[0]))
    shown = [f"{name} {musd(amount)}" for name, amount in parts[:LISTED]]
    rest = parts[LISTED:]
    if rest:
        shown.append(f"{len(rest)} others {musd(sum(amount for _, amount in rest))}")
    return ", ".join(shown)


def structural_shortfalls(problem: Problem) -> list[Shortfall]:
    """Checks 1 and 2: plain sums, no solver."""
    shortfalls = []
    for account, envelope in problem.envelopes.items():
        committed = [(c.name, c.commitments.get(account, 0.0)) for c in problem.countries]
        committed = [(name, amount) for name, amount in committed if amount > 0]
        excess = sum(amount for _, amount in committed) - envelope
        if excess > TOLERANCE_MUSD:
            shortfalls.append(Shortfall(
                message=f"commitments in {account} exceed its envelope by {musd(excess)}: {_named(committed)}",
                account=account, amount=excess,
            ))
    for country in problem.countries:
        committed = sum(country.commitments.get(account, 0.0) for account in problem.envelopes)
        if committed - country.ceiling > TOLERANCE_MUSD:
            shortfalls.append(Shortfall(
                message=(f"commitments in {country.name} ({musd(committed)}) exceed its ceiling "
                         f"({musd(country.ceiling)}) by {musd(committed - country.ceiling)}"),
                country=country.key, amount=committed - country.ceiling,
            ))
        elif country.eligible_accounts and country.minimum - country.ceiling > TOLERANCE_MUSD:
            shortfalls.append(Shortfall(
                message=(f"the minimum for {country.name} ({musd(country.minimum)}) is above its ceiling "
                         f"({musd(country.ceiling)}) by {musd(country.minimum - country.ceiling)}"),
                country=country.key, amount=country.minimum - country.ceiling,
            ))
    return shortfalls


def minimum_shortfalls(problem: Problem, short_by: float) -> list[Shortfall]:
    """Check 3: ``short_by`` is the least $M by which the totals must stay below the
    minimums (phase one); the message names the new money each minimum asks for."""
    asks = []
    for country in problem.countries:
        committed = sum(country.commitments.get(account, 0.0) for account in problem.envelopes)
        if country.eligible_accounts and country.minimum - committed > TOLERANCE_MUSD:
            asks.append((country.name, country.minimum - committed))
    return [Shortfall(
        message=(f"the minimums need {musd(short_by)} more than the envelopes open to these countries hold; "
                 f"new money the minimums ask for: {_named(asks)}"),
        amount=short_by,
    )]

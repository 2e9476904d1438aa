"""The allocation LP (pure, no database) against a brute-force search and its promises:
more envelope never lowers the objective, a tighter ceiling never raises a country's
total, commitments are always met, infeasibility names the short account and amount."""
from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from allocation.problem import CountryInput, Problem, benefit
from allocation.solver import minimum_applied, solve

ACCOUNTS = ("FMF", "INCLE")
TOL = 1e-6


@st.composite
def small_problems(draw, countries: int = 2, roomy: bool = False) -> Problem:
    """Whole-$M figures, ceilings in multiples of 3 (breakpoints on the grid). ``roomy``:
    ceilings and envelopes at or above the commitments (mostly feasible)."""
    inputs = []
    for i in range(countries):
        commitments = {a: float(draw(st.integers(0, 2))) for a in ACCOUNTS}
        least = -(-int(sum(commitments.values())) // 3) if roomy else 0
        ceiling = 3.0 * draw(st.integers(least, least + 2))
        eligible = frozenset(a for a in ACCOUNTS if draw(st.booleans()))
        inputs.append(CountryInput(
            key=f"C{i}", name=f"Country {i}", weight=draw(st.floats(0.05, 1.0)), ceiling=ceiling,
            minimum=float(draw(st.integers(0, 3 if roomy else 4))), commitments=commitments,
            eligible_accounts=eligible,
        ))
    envelopes = {
        a: float(draw(st.integers(0, 6)) + (sum(c.commitments[a] for c in inputs) if roomy else 0)) for a in ACCOUNTS
    }
    return Problem(envelopes=envelopes, countries=tuple(inputs))


def brute_force(problem: Problem) -> float | None:
    """The best objective over every whole-$M allocation (None: nothing is feasible)."""
    cells = [(c, a) for c in problem.countries for a in problem.envelopes]
    ranges = []
    for country, account in cells:
        floor = int(country.commitments.get(account, 0.0))
        top = int(problem.envelopes[account]) if account in country.eligible_accounts else floor
        ranges.append(range(floor, max(floor, top) + 1))
    best = None
    for amounts in itertools.product(*ranges):
        x = dict(zip(((c.key, a) for c, a in cells), amounts))
        if any(sum(x[c.key, a] for c in problem.countries) > problem.envelopes[a] for a in problem.envelopes):
            continue
        value = 0.0
        for country in problem.countries:
            total = sum(x[country.key, a] for a in problem.envelopes)
            if total > country.ceiling or total < minimum_applied(country):
                break
            value += benefit(total, ceiling=country.ceiling, weight=country.weight)
        else:
            best = value if best is None else max(best, value)
    return best


def _ties(problem: Problem) -> bool:
    """Whether two countries share a marginal benefit (weight x slope) on some segments."""
    marginals = sorted((c.weight * slope, c.key) for c in problem.countries for slope in problem.slopes)
    return any(abs(a[0] - b[0]) < 1e-9 and a[1] != b[1] for a, b in zip(marginals, marginals[1:]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_the_optimum_equals_a_brute_force_search_over_whole_millions(problem):
    # Given a small scenario on a whole-$M grid (its LP vertices lie on the grid)
    # When it is solved and searched exhaustively
    result, best = solve(problem), brute_force(problem)
    # Then both agree on feasibility and on the best objective
    assert result.feasible == (best is not None)
    if best is not None:
        assert result.objective == pytest.approx(best, abs=1e-6)
        assert sum(c.benefit for c in result.countries) == pytest.approx(result.objective, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(small_problems(countries=3, roomy=True), st.sampled_from(ACCOUNTS), st.floats(0.1, 10.0))
def test_raising_an_envelope_never_lowers_the_objective(problem, account, more):
    before = solve(problem)
    assume(before.feasible)
    envelopes = {**problem.envelopes, account: problem.envelopes[account] + more}
    after = solve(dataclasses.replace(problem, envelopes=envelopes))
    assert after.feasible
    assert after.objective >= before.objective - TOL


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(small_problems(countries=3, roomy=True), st.integers(0, 2), st.floats(0.0, 1.0))
def test_a_tighter_ceiling_never_raises_that_countrys_allocation(problem, index, fraction):
    # Where two countries' marginal benefits tie, any split between them is optimal and the
    # solver may pick another one after the change: the promise is for untied weights.
    assume(not _ties(problem))
    before = solve(problem)
    assume(before.feasible)
    country = problem.countries[index]
    tighter = dataclasses.replace(country, ceiling=country.ceiling * fraction)
    countries = tuple(tighter if c is country else c for c in problem.countries)
    after = solve(dataclasses.replace(problem, countries=countries))
    assume(after.feasible)  # a ceiling below the commitments or the minimum is explained instead
    total_before = next(c.total for c in before.countries if c.country == country.key)
    total_after = next(c.total for c in after.countries if c.country == country.key)
    assert total_after <= total_before + TOL
    assert total_after <= tighter.ceiling + TOL


@settings(max_examples=150, deadline=None)
@given(small_problems(countries=3, roomy=True))
def test_commitments_are_always_met_when_feasible(problem):
    result = solve(problem)
    assume(result.feasible)
    for line in result.lines:
        country = next(c for c in problem.countries if c.key == line.country)
        assert line.amount >= country.commitments.get(line.account, 0.0) - TOL
        if line.account not in country.eligible_accounts:
            assert line.amount == pytest.approx(country.commitments.get(line.account, 0.0), abs=TOL)
    for account in result.accounts:
        assert account.allocated <= account.envelope + TOL


@settings(max_examples=100, deadline=None)
@given(small_problems(countries=3, roomy=True), st.sampled_from(ACCOUNTS))
def test_commitments_over_an_envelope_name_the_account_and_the_amount(problem, account):
    # Given an envelope below the account's commitments
    committed = sum(c.commitments.get(account, 0.0) for c in problem.countries)
    assume(committed > 0)
    short = dataclasses.replace(problem, envelopes={**problem.envelopes, account: committed / 2})
    # When it is solved
    result = solve(short)
    # Then it is infeasible and the message names the account, its excess and the countries
    assert not result.feasible
    shortfall = next(s for s in result.shortfalls if s.account == account)
    assert shortfall.amount == pytest.approx(committed / 2)
    assert shortfall.message.startswith(f"commitments in {account} exceed its envelope by $")
    named = [c.name for c in problem.countries if c.commitments.get(account, 0.0) > 0]
    assert all(name in shortfall.message for name in named)


def test_the_message_reads_as_the_issue_example():
    problem = Problem(envelopes={"INCLE": 0.0}, countries=(
        CountryInput(key="COL", name="Colombia", weight=0.7, ceiling=20, commitments={"INCLE": 8.1}),
        CountryInput(key="MEX", name="Mexico", weight=0.6, ceiling=20, commitments={"INCLE": 4.3}),
    ))
    [shortfall] = solve(problem).shortfalls
    assert shortfall.message == "commitments in INCLE exceed its envelope by $12.4 M: Colombia $8.1 M, Mexico $4.3 M"


def test_minimums_beyond_the_envelopes_say_how_much_is_missing():
    both = frozenset(ACCOUNTS)
    problem = Problem(envelopes={"FMF": 10.0, "INCLE": 4.0}, countries=(
        CountryInput(key="KEN", name="Kenya", weight=0.8, ceiling=9, minimum=8.5, commitments={"FMF": 1.0},
                     eligible_accounts=both),
        CountryInput(key="COL", name="Colombia", weight=0.5, ceiling=12, minimum=8, commitments={"INCLE": 2.0},
                     eligible_accounts=both),
    ))
    [shortfall] = solve(problem).shortfalls
    assert shortfall.amount == pytest.approx(2.5)
    assert shortfall.message == ("the minimums need $2.5 M more than the envelopes open to these countries hold; "
                                 "new money the minimums ask for: Kenya $7.5 M, Colombia $6.0 M")


def test_the_duals_are_the_value_of_one_more_million():
    # Given two countries on their last segments: Kenya 0.8 x 0.3 = 0.24 per $M, Colombia 0.5 x 0.3
    both = frozenset(ACCOUNTS)
    problem = Problem(envelopes={"FMF": 10.0, "INCLE": 4.0}, countries=(
        CountryInput(key="KEN", name="Kenya", weight=0.8, ceiling=9, commitments={"FMF": 1.0}, eligible_accounts=both),
        CountryInput(key="COL", name="Colombia", weight=0.5, ceiling=12, commitments={"INCLE": 2.0},
                     eligible_accounts=both),
    ))
    result = solve(problem)
    # Then both envelopes bind and one more $M in either is worth Kenya's marginal benefit
    assert {a.account: round(a.dual, 6) for a in result.accounts} == {"FMF": 0.24, "INCLE": 0.24}
    assert result.objective == pytest.approx(0.8 * (3 + 0.6 * 3) + 0.5 * (4 + 0.6 * 4))
    # And with the envelopes wide open Kenya's ceiling binds, worth its last slope 0.24 per $M
    wide = solve(dataclasses.replace(problem, envelopes={"FMF": 100.0, "INCLE": 100.0}))
    kenya = next(c for c in wide.countries if c.country == "KEN")
    assert kenya.ceiling_binds and kenya.ceiling_dual == pytest.approx(0.24)
    assert not any(a.binds for a in wide.accounts)


@settings(max_examples=60, deadline=None)
@given(small_problems(countries=3, roomy=True), st.sampled_from(ACCOUNTS))
def test_an_envelope_dual_brackets_the_change_of_the_objective(problem, account):
    base = solve(problem)
    assume(base.feasible and problem.envelopes[account] >= 0.01)
    dual = next(a.dual for a in base.accounts if a.account == account)
    step = 0.01
    up = solve(dataclasses.replace(problem, envelopes={**problem.envelopes, account: problem.envelopes[account] + step}))
    down = solve(dataclasses.replace(problem, envelopes={**problem.envelopes, account: problem.envelopes[account] - step}))
    # Concave in the envelope: the right slope <= dual <= the left slope
    assert (up.objective - base.objective) / step <= dual + 1e-6
    if down.feasible:
        assert (base.objective - down.objective) / step >= dual - 1e-6


def test_bad_figures_are_refused():
    with pytest.raises(ValueError, match="not negative"):
        solve(Problem(envelopes={"FMF": -1.0}, countries=()))

"""The allocation linear program, built and solved with HiGHS (``highspy``).

A pure function: ``solve(Problem) -> Result``; no database. The model, in $M
(docs/allocation.md states it for analysts):

    variables   x[c,a] >= 0   $M to country c from account a
                y[c,k] >= 0   $M of country c's total on benefit segment k
    maximise    sum_c sum_k  weight_c * slope_k * y[c,k]
    subject to  sum_c x[c,a] <= envelope_a                         (envelope)
                sum_a x[c,a] - sum_k y[c,k] = 0                    (total = segments)
                minimum_c <= sum_a x[c,a] <= ceiling_c             (minimum, ceiling)
                commitment[c,a] <= x[c,a]                          (commitments)
                x[c,a] <= commitment[c,a] where c is not eligible for a
                y[c,k] <= (breakpoint_k - breakpoint_k-1) * ceiling_c  (all but the last)

Slopes decrease, so a maximising solution fills the segments in order: the objective is
the concave piecewise-linear benefit of each country's total.
"""
from __future__ import annotations

import highspy
import numpy as np

from .infeasibility import minimum_shortfalls, structural_shortfalls
from .problem import TOLERANCE_MUSD, AccountOutcome, CountryInput, CountryOutcome, Line, Problem, Result, benefit

INFINITY = highspy.kHighsInf


def minimum_applied(country) -> float:
    """The minimum that binds a country: its manager minimum if some account is eligible
    (eligibility wins: a country with no eligible account gets only its commitments)."""
    return country.minimum if country.eligible_accounts else 0.0


class _Model:
    """Column-wise build of the LP; keeps the index of every variable and row."""

    def __init__(self, problem: Problem, *, elastic_minimums: bool = False) -> None:
        self.problem = problem
        self.accounts = list(problem.envelopes)
        n_accounts, n_countries = len(self.accounts), len(problem.countries)
        self.envelope_row = {a: i for i, a in enumerate(self.accounts)}
        self.link_row = [n_accounts + i for i in range(n_countries)]
        self.range_row = [n_accounts + n_countries + i for i in range(n_countries)]
        n_rows = n_accounts + 2 * n_countries
        row_lower = np.full(n_rows, -INFINITY)
        row_upper = np.zeros(n_rows)
        for account, row in self.envelope_row.items():
            row_upper[row] = problem.envelopes[account]
        row_lower[self.link_row] = 0.0
        cost, lower, upper, starts, index, value = [], [], [], [], [], []
        self.x: dict[tuple[int, str], int] = {}
        self.slack: dict[int, int] = {}

        def column(c: float, lo: float, hi: float, entries: list[tuple[int, float]]) -> int:
            starts.append(len(index))
            for row, coefficient in entries:
                index.append(row)
                value.append(coefficient)
            cost.append(c)
            lower.append(lo)
            upper.append(hi)
            return len(cost) - 1

        segments = list(zip(problem.breakpoints, problem.slopes))
        for i, country in enumerate(problem.countries):
            row_lower[self.range_row[i]] = minimum_applied(country)
            row_upper[self.range_row[i]] = country.ceiling
            for account in self.accounts:
                floor = country.commitments.get(account, 0.0)
                cap = INFINITY if account in country.eligible_accounts else floor
                entries = [(self.envelope_row[account], 1.0), (self.link_row[i], 1.0), (self.range_row[i], 1.0)]
                self.x[i, account] = column(0.0, floor, cap, entries)
            previous = 0.0
            for k, (point, slope) in enumerate(segments):
                length = INFINITY if k == len(segments) - 1 else (point - previous) * country.ceiling
                previous = point
                column(0.0 if elastic_minimums else country.weight * slope, 0.0, length, [(self.link_row[i], -1.0)])
            if elastic_minimums:  # phase one: how far short of the minimums must the totals stay?
                self.slack[i] = column(-1.0, 0.0, INFINITY, [(self.range_row[i], 1.0)])
        starts.append(len(index))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(cost), n_rows
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.array(cost), np.array(lower), np.array(upper)
        lp.row_lower_, lp.row_upper_ = row_lower, row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value)
        self.lp = lp
        if elastic_minimums:  # the slack may also carry a total above the ceiling: never
            for i, country in enumerate(problem.countries):
                lp.row_upper_[self.range_row[i]] = max(country.ceiling, minimum_applied(country))

    def run(self) -> tuple[bool, highspy.Highs]:
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.passModel(self.lp)
        highs.run()
        return highs.getModelStatus() == highspy.HighsModelStatus.kOptimal, highs


def solve(problem: Problem) -> Result:
    """Solve ``problem``; an infeasible one comes back with plain-words ``shortfalls``.

    Raises ValueError when an input is negative or not a number (the service checks
    first, so a user never sees it).
    """
    _check(problem)
    model = _Model(problem)
    size = {"variables": model.lp.num_col_, "constraints": model.lp.num_row_}
    shortfalls = structural_shortfalls(problem)
    if shortfalls:
        return Result(feasible=False, shortfalls=tuple(shortfalls), **size)
    optimal, highs = model.run()
    if not optimal:
        elastic = _Model(problem, elastic_minimums=True)
        _, elastic_highs = elastic.run()  # always feasible: the slack can fill any minimum
        short_by = -float(elastic_highs.getInfo().objective_function_value)
        return Result(feasible=False, shortfalls=tuple(minimum_shortfalls(problem, short_by)), **size)
    return _result(problem, model, highs, size)


def _check(problem: Problem) -> None:
    figures = list(problem.envelopes.values())
    for country in problem.countries:
        figures += [country.weight, country.ceiling, country.minimum, *country.commitments.values()]
    if any(not np.isfinite(v) or v < 0 for v in figures):
        raise ValueError("Envelopes, weights, ceilings, minimums and commitments must be finite and not negative.")


def _result(problem: Problem, model: _Model, highs: highspy.Highs, size: dict) -> Result:
    solution = highs.getSolution()
    values, duals = np.asarray(solution.col_value), np.asarray(solution.row_dual)
    # HiGHS reports duals of a maximisation with the sign of d(objective)/d(bound) negated
    # for <= rows; abs() of a binding row's dual is the gain of one more $M.
    account_use = {a: 0.0 for a in model.accounts}
    account_commitments = {a: 0.0 for a in model.accounts}
    countries, lines, totals = [], [], []
    for i, country in enumerate(problem.countries):
        total = sum(float(values[model.x[i, a]]) for a in model.accounts)
        totals.append(total)
        for a in model.accounts:
            account_use[a] += float(values[model.x[i, a]])
            account_commitments[a] += country.commitments.get(a, 0.0)
    envelope_binds = {a: account_use[a] >= problem.envelopes[a] - TOLERANCE_MUSD for a in model.accounts}
    for i, country in enumerate(problem.countries):
        total, minimum = totals[i], minimum_applied(country)
        ceiling_binds = total >= country.ceiling - TOLERANCE_MUSD
        committed = sum(country.commitments.get(a, 0.0) for a in model.accounts)
        minimum_binds = minimum > committed + TOLERANCE_MUSD and total <= minimum + TOLERANCE_MUSD
        dual = float(duals[model.range_row[i]])
        countries.append(CountryOutcome(
            country=country.key, total=total, minimum_applied=minimum, ceiling=country.ceiling,
            benefit=_benefit_of(problem, country, total), ceiling_binds=ceiling_binds,
            minimum_binds=minimum_binds, ceiling_dual=abs(dual) if ceiling_binds and dual else 0.0,
        ))
        for a in model.accounts:
            amount, floor = float(values[model.x[i, a]]), country.commitments.get(a, 0.0)
            eligible = a in country.eligible_accounts
            binding = []
            if not eligible:
                binding.append("not eligible")
            elif floor > TOLERANCE_MUSD and amount <= floor + TOLERANCE_MUSD:
                binding.append("commitments")
            if eligible and envelope_binds[a] and amount > floor + TOLERANCE_MUSD:
                binding.append("envelope")
            if ceiling_binds and eligible:
                binding.append("ceiling")
            if minimum_binds and eligible:
                binding.append("minimum")
            lines.append(Line(country=country.key, account=a, amount=amount, commitment=floor,
                              eligible=eligible, binding=tuple(binding)))
    accounts = [
        AccountOutcome(
            account=a, envelope=problem.envelopes[a], allocated=account_use[a], commitments=account_commitments[a],
            binds=envelope_binds[a],
            dual=abs(float(duals[model.envelope_row[a]])) if envelope_binds[a] else 0.0,
        )
        for a in model.accounts
    ]
    return Result(
        feasible=True, objective=float(highs.getInfo().objective_function_value), lines=tuple(lines),
        countries=tuple(countries), accounts=tuple(accounts), **size,
    )


def _benefit_of(problem: Problem, country: CountryInput, total: float) -> float:
    return benefit(total, ceiling=country.ceiling, weight=country.weight,
                   breakpoints=problem.breakpoints, slopes=problem.slopes)

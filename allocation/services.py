"""Writes of the allocation planner: create or change a scenario, solve it.

Pages and the API both call these; each checks the manager's right, validates with
field-named messages (nothing is saved on an error) and keeps history.
Amounts are US dollars (Decimal); the solver works in $M.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from programs import permissions
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from programs.models import Country, PriorityTier
from infrastructure.bulk_update import rows_update
from infrastructure.saving import validated_save
from infrastructure.versioning import check_version

from . import selectors
from .models import (
    AccountRestriction,
    AllocationLine,
    CountryCeiling,
    CountryMinimum,
    CountryOutcome,
    Envelope,
    Scenario,
    ScenarioStatus,
)
from .problem import CountryInput, Problem, Result
from .solver import solve
from infrastructure.wording import usd_text

MILLION = Decimal(1_000_000)
MAX_AMOUNT = Decimal("99999999999999.99")  # what a money field holds
Entry = Mapping[str, Any]


def _amount(value: Any, label: str, errors: list[str]) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(f"{label}: '{value}' is not an amount in US dollars.")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        shown = usd_text(amount) if amount.is_finite() else f"'{value}'"
        errors.append(f"{label}: the amount must be from $0 to {usd_text(MAX_AMOUNT)} (got {shown}).")
        return None
    return amount.quantize(Decimal("0.01"))


def _account(value: Any, spellings: Mapping[str, str]) -> str:
    """An account name as entered, written as the programs write it when it is one of
    theirs in another case or spacing ("fmf", " Fmf " -> "FMF"): the solver matches
    commitments by exact name, so "fmf" would otherwise be new money beside FMF's
    commitments. An account no program names is kept as typed (money new to every country)."""
    typed = " ".join(str(value or "").split())
    return spellings.get(typed.casefold(), typed)


def _clean_inputs(
    *, envelopes: Sequence[Entry], minimums: Sequence[Entry], ceilings: Sequence[Entry], restrictions: Sequence[Entry]
) -> dict[str, list]:
    """Check every entry; return model rows (unsaved) or raise ValidationError keyed by
    field ("envelopes", "minimums", "ceilings", "restrictions")."""
    errors: dict[str, list[str]] = {}
    iso3s = {str(e.get("country") or "").strip().upper() for e in [*minimums, *ceilings, *restrictions]}
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in=iso3s - {""})}

    def country_of(entry: Entry, problems: list[str]) -> Country | None:
        code = str(entry.get("country") or "").strip().upper()
        if code not in countries:
            problems.append(f"'{code or entry.get('country') or ''}' is not a country's ISO3 code.")
            return None
        return countries[code]

    spellings = {account.casefold(): account for account in selectors.accounts_in_use()}
    rows: dict[str, list] = {"envelopes": [], "minimums": [], "ceilings": [], "restrictions": []}
    problems: list[str] = []
    for entry in envelopes:
        account = _account(entry.get("account"), spellings)
        amount = _amount(entry.get("amount"), account or "envelope", problems)
        if not account or len(account) > 200:
            problems.append("Each envelope needs an account name of 1 to 200 characters.")
        elif account in {e.account for e in rows["envelopes"]}:
            problems.append(f"{account} is listed twice.")
        elif amount is not None:
            rows["envelopes"].append(Envelope(account=account, amount=amount))
    if not envelopes:
        problems.append("Give at least one envelope (an account and its amount).")
    if problems:
        errors["envelopes"] = problems
    accounts = {e.account for e in rows["envelopes"]}

    problems = []
    for entry in minimums:
        tier, label = entry.get("tier"), "minimum"
        country = None
        if tier not in (None, ""):
            try:
                tier = int(tier)
            except (TypeError, ValueError):
                tier = None
            if tier not in PriorityTier.values:
                problems.append(f"'{entry.get('tier')}' is not a priority tier (1 to 4).")
                continue
            label, key = f"tier {tier}", ("tier", tier)
        else:
            country = country_of(entry, problems)
            if country is None:
                continue
            label, key, tier = country.iso3, ("country", country.pk), None
        amount = _amount(entry.get("amount"), label, problems)
        if key in {("tier", m.tier) if m.tier else ("country", m.country_id) for m in rows["minimums"]}:
            problems.append(f"The minimum for {label} is listed twice.")
        elif amount is not None:
            rows["minimums"].append(CountryMinimum(country=country, tier=tier, amount=amount))
    if problems:
        errors["minimums"] = problems

    problems = []
    for entry in ceilings:
        country = country_of(entry, problems)
        if country is None:
            continue
        amount = _amount(entry.get("amount"), country.iso3, problems)
        if country.pk in {c.country_id for c in rows["ceilings"]}:
            problems.append(f"The ceiling for {country.iso3} is listed twice.")
        elif amount is not None:
            rows["ceilings"].append(CountryCeiling(country=country, amount=amount))
    if problems:
        errors["ceilings"] = problems

    problems = []
    for entry in restrictions:
        country = country_of(entry, problems)
        account = _account(entry.get("account"), spellings)
        if country is None:
            continue
        if account not in accounts:
            problems.append(f"{country.iso3}: '{account}' is not one of the scenario's envelopes.")
        elif (country.pk, account) not in {(r.country_id, r.account) for r in rows["restrictions"]}:
            rows["restrictions"].append(AccountRestriction(country=country, account=account))
    if problems:
        errors["restrictions"] = problems
    if errors:
        raise ValidationError(errors)
    return rows


def _replace_inputs(scenario: Scenario, rows: dict[str, list], *, user) -> None:
    for name, model in (("envelopes", Envelope), ("minimums", CountryMinimum), ("ceilings", CountryCeiling),
                        ("restrictions", AccountRestriction)):
        for old in model.objects.filter(scenario=scenario):
            old._history_user = user
            old.delete()  # one by one: each deletion is a history record, with its author
        for row in rows[name]:
            row.scenario = scenario
            row.full_clean()
        bulk_create_with_history(rows[name], model, default_user=user)
    CountryOutcome.objects.filter(scenario=scenario).delete()
    AllocationLine.objects.filter(scenario=scenario).delete()


def scenario_create_check(user) -> None:
    """PermissionDenied unless ``user`` may create scenarios (managers): :func:`scenario_create`,
    its page and the API check it first."""
    permissions.require_manager(user, "create allocation scenarios")


def scenario_update_check(user) -> None:
    """PermissionDenied unless ``user`` may change scenarios (managers): :func:`scenario_update`."""
    permissions.require_manager(user, "change allocation scenarios")


def scenario_solve_check(user) -> None:
    """PermissionDenied unless ``user`` may solve scenarios (managers): :func:`scenario_solve`."""
    permissions.require_manager(user, "solve allocation scenarios")


def scenario_create(
    *, user, fiscal_year: int, name: str, ceiling_multiple: Decimal | None = None,
    envelopes: Sequence[Entry], minimums: Sequence[Entry] = (), ceilings: Sequence[Entry] = (),
    restrictions: Sequence[Entry] = (),
) -> Scenario:
    """A new draft scenario. Entries: envelopes ``{account, amount}``, minimums ``{country
    (ISO3) or tier, amount}``, ceilings ``{country, amount}``, restrictions ``{country,
    account}``; amounts in US dollars. Raises PermissionDenied (not a manager) or
    ValidationError keyed by field."""
    scenario_create_check(user)
    scenario = Scenario(fiscal_year=fiscal_year, name=(name or "").strip(), author=user)
    if ceiling_multiple is not None:
        scenario.ceiling_multiple = ceiling_multiple
    return _save(scenario, user=user, envelopes=envelopes, minimums=minimums, ceilings=ceilings,
                 restrictions=restrictions)


def scenario_update(
    *, user, scenario: Scenario, version: int | None, fiscal_year: int, name: str,
    ceiling_multiple: Decimal | None = None, envelopes: Sequence[Entry], minimums: Sequence[Entry] = (),
    ceilings: Sequence[Entry] = (), restrictions: Sequence[Entry] = (),
) -> Scenario:
    """Replace a scenario's inputs (all of them) and set it back to draft. ``version`` is
    the one the user read; a stale one raises StaleVersionError."""
    scenario_update_check(user)
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        check_version(scenario, version)
        scenario.fiscal_year, scenario.name = fiscal_year, (name or "").strip()
        if ceiling_multiple is not None:
            scenario.ceiling_multiple = ceiling_multiple
        scenario.version += 1
        return _save(scenario, user=user, envelopes=envelopes, minimums=minimums, ceilings=ceilings,
                     restrictions=restrictions)


def _save(scenario: Scenario, *, user, **entries: Sequence[Entry]) -> Scenario:
    errors: dict[str, list[str]] = {}
    if not isinstance(scenario.fiscal_year, int) or not MIN_FISCAL_YEAR <= scenario.fiscal_year <= MAX_FISCAL_YEAR:
        errors["fiscal_year"] = [f"The fiscal year must be from {MIN_FISCAL_YEAR} to {MAX_FISCAL_YEAR}."]
    try:
        rows = _clean_inputs(**entries)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        scenario.status, scenario.objective, scenario.infeasibility, scenario.solved_at = (
            ScenarioStatus.DRAFT, None, "", None)
        validated_save(scenario, user=user)
        _replace_inputs(scenario, rows, user=user)
    return scenario


def scenario_problem(scenario: Scenario) -> tuple[Problem, dict[str, selectors.CountryFacts]]:
    """The solver's input for ``scenario`` ($M) and the facts behind it by ISO3."""
    envelopes = list(scenario.envelopes.all())
    minimums = list(scenario.minimums.all())
    ceilings = {c.country_id: c.amount for c in scenario.ceilings.all()}
    restricted = {(r.country_id, r.account) for r in scenario.restrictions.all()}
    by_country = {m.country_id: m.amount for m in minimums if m.country_id}
    by_tier = {m.tier: m.amount for m in minimums if m.tier}
    facts = selectors.country_facts(fiscal_year=scenario.fiscal_year, country_ids=by_country, tiers=by_tier)
    accounts = [e.account for e in envelopes]
    countries = []
    for fact in sorted(facts.values(), key=lambda f: f.name):
        minimum = by_country.get(fact.country_id, by_tier.get(fact.priority_tier, Decimal(0)))
        ceiling = ceilings.get(fact.country_id, fact.default_ceiling(scenario.ceiling_multiple))
        eligible = frozenset() if fact.ineligible_reason else frozenset(
            a for a in accounts if (fact.country_id, a) not in restricted)
        countries.append(CountryInput(
            key=fact.iso3, name=fact.name, weight=fact.weight, ceiling=float(ceiling / MILLION),
            minimum=float(minimum / MILLION), eligible_accounts=eligible,
            commitments={a: float(fact.commitments[a] / MILLION) for a in accounts if fact.commitments.get(a)},
        ))
    problem = Problem(envelopes={e.account: float(e.amount / MILLION) for e in envelopes}, countries=tuple(countries))
    return problem, {f.iso3: f for f in facts.values()}


def _usd(musd: float) -> Decimal:
    return Decimal(f"{musd * 1_000_000:.2f}")


def scenario_solve(*, user, scenario: Scenario, version: int | None = None) -> Result:
    """Solve ``scenario`` and store the result (or why it has none). Returns the Result."""
    scenario_solve_check(user)
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        check_version(scenario, version)
        problem, facts = scenario_problem(scenario)
        result = solve(problem)
        CountryOutcome.objects.filter(scenario=scenario).delete()
        AllocationLine.objects.filter(scenario=scenario).delete()
        envelopes = {e.account: e for e in scenario.envelopes.all()}
        if result.feasible:
            _store(scenario, problem, result, facts, envelopes)
        else:
            for envelope in envelopes.values():
                envelope.allocated, envelope.dual = None, None
            rows_update(Envelope, list(envelopes.values()), ["allocated", "dual"])
        scenario.status = ScenarioStatus.SOLVED if result.feasible else ScenarioStatus.INFEASIBLE
        scenario.objective = result.objective if result.feasible else None
        scenario.infeasibility = "\n".join(s.message for s in result.shortfalls)
        scenario.solved_at = timezone.now()
        scenario.version += 1
        validated_save(scenario, user=user)
    return result


def _store(scenario, problem: Problem, result: Result, facts: dict, envelopes: dict) -> None:
    inputs = {c.key: c for c in problem.countries}
    CountryOutcome.objects.bulk_create([
        CountryOutcome(
            scenario=scenario, country_id=facts[o.country].country_id, weight=inputs[o.country].weight,
            band=facts[o.country].band, eligible=bool(inputs[o.country].eligible_accounts),
            ineligible_reason=facts[o.country].ineligible_reason or (
                "" if inputs[o.country].eligible_accounts else "restricted in every account"),
            minimum=_usd(o.minimum_applied), ceiling=_usd(o.ceiling), total=_usd(o.total),
            current_plan=sum((facts[o.country].current_plan.get(a, Decimal(0)) for a in problem.envelopes),
                             Decimal(0)).quantize(Decimal("0.01")),
            benefit=o.benefit, ceiling_binds=o.ceiling_binds, minimum_binds=o.minimum_binds,
            ceiling_dual=o.ceiling_dual,
        )
        for o in result.countries
    ])
    AllocationLine.objects.bulk_create([
        AllocationLine(
            scenario=scenario, country_id=facts[line.country].country_id, account=line.account,
            amount=_usd(line.amount), commitment=_usd(line.commitment),
            current_plan=facts[line.country].current_plan.get(line.account, Decimal(0)).quantize(Decimal("0.01")),
            eligible=line.eligible, binding=", ".join(line.binding),
        )
        for line in result.lines
        if line.amount or line.commitment or facts[line.country].current_plan.get(line.account)
    ])
    for outcome in result.accounts:
        envelope = envelopes[outcome.account]
        envelope.allocated, envelope.dual = _usd(outcome.allocated), outcome.dual
    rows_update(Envelope, list(envelopes.values()), ["allocated", "dual"])

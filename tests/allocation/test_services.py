"""Scenarios through the services on the real database: inputs from programs and scores,
validation, permissions, solving and what is stored."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from allocation import selectors, services
from allocation.models import AllocationLine, CountryOutcome, Envelope, Scenario, ScenarioStatus
from assessments.models import Band
from programs.models import ProgramStatus
from infrastructure.versioning import StaleVersionError
from tests import factories
from tests.allocation import factories as alf

pytestmark = pytest.mark.django_db
M = alf.M


@pytest.fixture
def world():
    """Kenya (score 80) and Colombia (score 50), a regional INCLE program in both, an FMF
    program in Kenya, a proposed program in Colombia; obligations in FY2024-2026."""
    ken, col = alf.kenya_and_colombia()
    alf.program([col], "INCLE", planned={2027: 1}, status=ProgramStatus.PROPOSED)
    return ken, col


def test_facts_split_regional_programs_and_keep_commitments_apart_from_the_plan(world, django_assert_max_num_queries):
    ken, col = world
    alf.program([ken], " NADR ", planned={2027: 1})  # an account is its trimmed spelling
    with django_assert_max_num_queries(3):
        facts = selectors.country_facts(fiscal_year=2027)
    # A two-country program counts half in each; the proposed program is plan, not commitment
    assert facts[ken.pk].commitments == {"INCLE": 2 * M, "FMF": 2 * M, "NADR": 1 * M}
    assert facts[col.pk].commitments == {"INCLE": 2 * M}
    assert facts[col.pk].current_plan == {"INCLE": 3 * M}
    # Obligations FY2024-2026: Kenya (3 + 3 + 6) / 2 + 6 = 12, average 4 a year, x 1.5 = 6
    assert facts[ken.pk].obligations_before == 12 * M
    assert facts[ken.pk].default_ceiling(Decimal("1.5")) == 6 * M
    assert facts[ken.pk].weight == pytest.approx(0.8)


def test_the_facts_take_the_same_queries_for_many_countries(world, django_assert_num_queries):
    for iso3 in ("MEX", "PER", "GHA", "SEN"):
        country = factories.country(iso3)
        alf.score(country, 40)
        alf.program([country, world[0]], "NADR", planned={2027: 1})
    with django_assert_num_queries(3):
        assert len(selectors.country_facts(fiscal_year=2027)) == 6


def test_a_manager_solves_and_the_result_is_stored_with_its_reasons(world, manager):
    ken, col = world
    scenario = alf.scenario(manager, envelopes={"INCLE": 6, "FMF": 4},
                            ceilings=[{"country": "COL", "amount": 10 * M}])
    result = services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    scenario.refresh_from_db()
    assert result.feasible and scenario.status == ScenarioStatus.SOLVED and scenario.version == 2
    lines = {(l.country.iso3, l.account): l for l in AllocationLine.objects.select_related("country")}
    # Commitments met in every line
    assert lines["KEN", "INCLE"].amount >= 2 * M and lines["COL", "INCLE"].amount >= 2 * M
    # Kenya (weight 0.8, default ceiling 6: segments of 2) sits at 4 on its 0.8 x 0.3 = 0.24
    # segment; Colombia (0.5, ceiling 10: segments of 3.33) gains 0.5 then 0.3 per $M: the
    # 4 $M of new money all go to Colombia, 2 + 4 = 6 in total
    outcomes = {o.country.iso3: o for o in CountryOutcome.objects.select_related("country")}
    assert outcomes["KEN"].total == 4 * M and not outcomes["KEN"].ceiling_binds
    assert outcomes["COL"].total == 6 * M
    assert outcomes["COL"].current_plan == 3 * M
    assert lines["KEN", "FMF"].binding == "commitments"
    envelopes = {e.account: e for e in Envelope.objects.filter(scenario=scenario)}
    assert envelopes["INCLE"].allocated == 6 * M
    # Both envelopes bind; one more $M in either is worth Colombia's 0.5 x 0.6 = 0.3
    assert envelopes["INCLE"].dual == pytest.approx(0.3) and envelopes["FMF"].dual == pytest.approx(0.3)
    assert scenario.objective == pytest.approx(sum(o.benefit for o in outcomes.values()))


def test_commitments_over_an_envelope_are_explained_in_plain_words(world, manager):
    scenario = alf.scenario(manager, envelopes={"INCLE": 1.5, "FMF": 4})
    result = services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    scenario.refresh_from_db()
    assert not result.feasible and scenario.status == ScenarioStatus.INFEASIBLE
    assert scenario.infeasibility == "commitments in INCLE exceed its envelope by $2.5 M: Colombia $2.0 M, Kenya $2.0 M"
    assert not AllocationLine.objects.filter(scenario=scenario).exists()


def test_an_account_typed_in_another_case_is_the_programs_account(world, manager):
    """A new-user trial typed "fmf": it solved as new money beside FMF's commitments. An
    account the programs name is matched whatever its case or spacing; another is kept."""
    scenario = alf.scenario(manager, envelopes={"incle ": 1.5, " Fmf": 4, "New  account": 1},
                            restrictions=[{"country": "KEN", "account": "iNCLE"}])
    assert sorted(scenario.envelopes.values_list("account", flat=True)) == ["FMF", "INCLE", "New account"]
    assert list(scenario.restrictions.values_list("account", flat=True)) == ["INCLE"]
    services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    scenario.refresh_from_db()
    assert scenario.infeasibility == "commitments in INCLE exceed its envelope by $2.5 M: Colombia $2.0 M, Kenya $2.0 M"


def test_deprioritised_and_restricted_countries_get_only_their_commitments(world, manager):
    ken, col = world
    alf.score(col, 20, band=Band.DEPRIORITISE)
    scenario = alf.scenario(manager, envelopes={"INCLE": 20, "FMF": 20},
                            restrictions=[{"country": "KEN", "account": "INCLE"}],
                            ceilings=[{"country": "KEN", "amount": 50 * M}])
    services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    lines = {(l.country.iso3, l.account): l for l in AllocationLine.objects.select_related("country")}
    assert lines["COL", "INCLE"].amount == 2 * M and not lines["COL", "INCLE"].eligible
    assert lines["KEN", "INCLE"].amount == 2 * M and "not eligible" in lines["KEN", "INCLE"].binding
    assert lines["KEN", "FMF"].amount == 20 * M
    colombia = CountryOutcome.objects.get(scenario=scenario, country=col)
    assert colombia.ineligible_reason == "band deprioritize" and not colombia.eligible


def test_an_open_crisis_caps_the_band_and_stops_new_money(world, manager):
    ken, _ = world
    alf.score(ken, 80, band=Band.REVIEW, caps_applied="open_crisis", flag_open_crisis=True)
    scenario = alf.scenario(manager, envelopes={"INCLE": 20, "FMF": 20})
    services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    kenya = CountryOutcome.objects.get(scenario=scenario, country=ken)
    assert kenya.total == 4 * M and kenya.ineligible_reason == "band cap: open crisis event"


def test_tier_minimums_reach_countries_without_funding(world, manager):
    ghana = factories.country("GHA")
    ghana.priority_tier = 1
    ghana.save()
    alf.score(ghana, 60)
    scenario = alf.scenario(manager, envelopes={"INCLE": 20, "FMF": 20},
                            minimums=[{"tier": 1, "amount": 3 * M}],
                            ceilings=[{"country": "GHA", "amount": 5 * M}])
    services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    assert CountryOutcome.objects.get(scenario=scenario, country=ghana).total >= 3 * M


def test_bad_inputs_name_the_field_and_save_nothing(manager):
    with pytest.raises(ValidationError) as caught:
        services.scenario_create(
            user=manager, fiscal_year=2027, name="Bad",
            envelopes=[{"account": "FMF", "amount": 1}, {"account": "FMF", "amount": 2},
                       {"account": "IMET", "amount": "lots"}],
            minimums=[{"country": "XXX", "amount": 1}, {"tier": 9, "amount": 1}],
            ceilings=[{"country": "KEN", "amount": -5}],
            restrictions=[{"country": "KEN", "account": "PKO"}],
        )
    errors = caught.value.message_dict
    assert errors["envelopes"] == ["FMF is listed twice.", "IMET: 'lots' is not an amount in US dollars."]
    assert errors["minimums"] == ["'XXX' is not a country's ISO3 code.", "'9' is not a priority tier (1 to 4)."]
    assert errors["ceilings"] == ["KEN: the amount must be from $0 to $99,999,999,999,999.99 (got -$5)."]
    assert errors["restrictions"] == ["KEN: 'PKO' is not one of the scenario's envelopes."]
    assert not Scenario.objects.exists() and not Envelope.objects.exists()


def test_analysts_may_not_create_or_solve(analyst_a, manager):
    with pytest.raises(PermissionDenied):
        alf.scenario(analyst_a, envelopes={"FMF": 1})
    scenario = alf.scenario(manager, envelopes={"FMF": 1})
    with pytest.raises(PermissionDenied):
        services.scenario_solve(user=analyst_a, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)


def test_a_stale_edit_is_refused_and_history_names_the_author(manager):
    scenario = alf.scenario(manager, envelopes={"FMF": 1})
    services.scenario_update(user=manager, scenario=scenario, version=1, fiscal_year=2027, name="Second",
                             envelopes=[{"account": "FMF", "amount": 2 * M}])
    with pytest.raises(StaleVersionError):
        services.scenario_update(user=manager, scenario=scenario, version=1, fiscal_year=2027, name="Third",
                                 envelopes=[{"account": "FMF", "amount": 3 * M}])
    scenario.refresh_from_db()
    assert scenario.name == "Second" and scenario.version == 2
    assert [h.history_user for h in scenario.history.all()] == [manager, manager]
    assert Envelope.history.filter(scenario_id=scenario.pk, history_type="-").count() == 1


def test_a_second_scenario_of_the_same_name_and_year_is_refused(manager):
    alf.scenario(manager, envelopes={"FMF": 1})
    with pytest.raises(ValidationError) as caught:
        alf.scenario(manager, envelopes={"FMF": 2})
    assert "already exists" in " ".join(caught.value.messages)
    assert Scenario.objects.count() == 1 and Envelope.objects.count() == 1

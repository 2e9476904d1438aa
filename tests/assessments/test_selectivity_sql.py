"""The set-based selectivity recompute: equal to the reference, idempotent, bounded queries."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings, strategies as st

from assessments.computations.selectivity import BandCapRule, CriterionInput, selectivity_reference
from assessments.models import AssessmentFramework, AssessmentStatus, BandCap, CapCondition, Criterion, SelectivityScore
from assessments.selectors import score_caps
from assessments.services import selectivity_recompute
from programs.models import Country, CrisisEvent

from tests.factories import assessments as af

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 25)

weight = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("5"), places=3)
selectivity_weight = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=3)
assessment_spec = st.tuples(
    st.sampled_from([AssessmentStatus.APPROVED, AssessmentStatus.APPROVED, AssessmentStatus.SUBMITTED, AssessmentStatus.DRAFT]),
    st.dates(min_value=dt.date(2023, 1, 1), max_value=AS_OF),
    st.lists(st.integers(1, 5), min_size=7, max_size=7),
)
cap_rules = st.dictionaries(
    st.sampled_from(CapCondition.values), st.sampled_from(["sustain", "review", "deprioritise"]), max_size=3
)
country_spec = st.fixed_dictionaries(
    {
        "tier": st.none() | st.integers(1, 4),
        "assessments": st.lists(assessment_spec, max_size=3),
        "rollup": st.none() | st.just("no data") | st.floats(min_value=0, max_value=1, allow_nan=False),
        "crisis": st.sampled_from([None, "open", "closed"]),
    }
)


def _framework(weights, criterion_weights, caps=None) -> AssessmentFramework:
    """A framework version 99 with generated weights and caps, made current (v1 and v2 retired)."""
    v1 = af.framework_v1()
    AssessmentFramework.objects.filter(version__in=[1, 2]).update(retired_on=dt.date(2026, 1, 2))
    framework = AssessmentFramework.objects.create(
        version=99, name="generated", weight_priority=weights[0], weight_conditions=weights[1],
        weight_effectiveness=weights[2], published_on=dt.date(2026, 1, 2),
    )
    for order, (criterion, w) in enumerate(zip(v1.criteria.all(), criterion_weights)):
        Criterion.objects.create(
            framework=framework, code=criterion.code, name=criterion.name, weight=w,
            is_human_rights=criterion.is_human_rights, sort_order=order,
        )
    for condition, max_band in (caps or {}).items():
        BandCap.objects.create(framework=framework, condition=condition, max_band=max_band, reason=f"{condition} cap")
    return framework


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    weights=st.tuples(selectivity_weight, selectivity_weight, selectivity_weight),
    criterion_weights=st.lists(weight, min_size=7, max_size=7),
    caps=cap_rules,
    specs=st.lists(country_spec, min_size=1, max_size=8),
)
def test_set_based_recompute_equals_the_reference(manager, weights, criterion_weights, caps, specs):
    with transaction.atomic():
        # Given generated inputs for a few countries under a generated framework with generated caps
        framework = _framework(weights, criterion_weights, caps)
        criteria = list(framework.criteria.all())
        countries = list(Country.objects.order_by("id")[: len(specs)])
        expected = {}
        for country, spec in zip(countries, specs):
            Country.objects.filter(pk=country.pk).update(priority_tier=spec["tier"])
            latest = None
            for status, assessed_on, scores in spec["assessments"]:
                af.assessment(
                    country=country, author=manager, status=status, assessed_on=assessed_on, framework=framework,
                    scores={c.code: s for c, s in zip(criteria, scores)},
                )
                if status == AssessmentStatus.APPROVED and (latest is None or assessed_on >= latest[0]):
                    latest = (assessed_on, scores)
            if spec["rollup"] is not None:
                af.rollup(country, None if spec["rollup"] == "no data" else spec["rollup"])
            if spec["crisis"]:
                event = af.open_crisis(country)
                if spec["crisis"] == "closed":
                    CrisisEvent.objects.filter(pk=event.pk).update(closed_on=dt.date(2026, 6, 1))
            expected[country.id] = selectivity_reference(
                weights=weights,
                tier=spec["tier"],
                criteria=[CriterionInput(s, c.weight, c.is_human_rights) for c, s in zip(criteria, latest[1])] if latest else None,
                assessed_on=latest[0] if latest else None,
                achievement=spec["rollup"] if isinstance(spec["rollup"], float) else None,
                open_crisis=spec["crisis"] == "open",
                as_of=AS_OF,
                caps=[BandCapRule(condition, max_band) for condition, max_band in caps.items()],
            )
        # When the set-based recompute runs
        selectivity_recompute(country_ids=[c.id for c in countries], as_of=AS_OF)
        # Then every country with a score has one row equal to the reference
        rows = {row.country_id: row for row in SelectivityScore.objects.filter(country__in=countries)}
        assert set(rows) == {cid for cid, result in expected.items() if result.score is not None}
        for country_id, row in rows.items():
            result = expected[country_id]
            assert row.framework_id == framework.id
            assert (row.priority_component, row.conditions_component, row.effectiveness_component) == (
                result.priority_component, result.conditions_component, result.effectiveness_component)
            assert (row.score, row.low, row.high) == (result.score, result.low, result.high)
            assert (row.band_uncapped, row.band, row.caps_applied) == (
                result.band_uncapped, result.band, ",".join(result.caps_applied))
            assert (row.flag_incomplete, row.flag_stale_assessment, row.flag_human_rights, row.flag_open_crisis) == (
                result.flag_incomplete, result.flag_stale_assessment, result.flag_human_rights, result.flag_open_crisis)
        transaction.set_rollback(True)


def _scored_countries(n: int, author) -> list[Country]:
    countries = list(Country.objects.order_by("id")[:n])
    Country.objects.filter(pk__in=[c.pk for c in countries]).update(priority_tier=2)
    for index, country in enumerate(countries):
        af.assessment(country=country, author=author, score=1 + index % 5)
        af.rollup(country, (index % 10) / 10)
        if index % 3 == 0:
            af.open_crisis(country)
    return countries


def _rows() -> list[tuple]:
    fields = [f.attname for f in SelectivityScore._meta.concrete_fields]
    return list(SelectivityScore.objects.order_by("id").values_list(*fields))


def test_two_runs_give_identical_rows(manager):
    # Given scored inputs and one recompute
    _scored_countries(6, manager)
    af.framework_v1()
    first = selectivity_recompute(as_of=AS_OF)
    rows = _rows()
    # When it runs again with nothing changed
    second = selectivity_recompute(as_of=AS_OF)
    # Then the second run adds nothing and the rows are identical
    assert first == 6 and second == 0
    assert _rows() == rows


def test_a_changed_input_appends_a_row_and_keeps_the_trend(manager):
    # Given a scored country
    country = _scored_countries(1, manager)[0]
    selectivity_recompute(as_of=AS_OF)
    before = SelectivityScore.objects.get(country=country)
    # When its tier changes from 2 to 1 and the recompute runs
    Country.objects.filter(pk=country.pk).update(priority_tier=1)
    selectivity_recompute(country_ids=[country.pk], as_of=AS_OF)
    # Then a second row holds P = 100 and the first row is unchanged
    history = list(SelectivityScore.objects.filter(country=country).order_by("id"))
    assert [row.priority_component for row in history] == [Decimal(75), Decimal(100)]
    assert history[1].score - history[0].score == Decimal("10.00")
    assert history[0].score == before.score


def test_an_old_framework_version_never_changes_old_scores(manager):
    # Given a score under version 2, capped (an open crisis; every criterion, human rights too, at 1)
    country = _scored_countries(1, manager)[0]
    v2 = af.framework_v2()
    selectivity_recompute(as_of=AS_OF)
    old = _rows()
    assert SelectivityScore.objects.get().caps_applied == "human_rights,open_crisis"
    # When version 3 with other weights and no caps replaces it and the recompute runs
    AssessmentFramework.objects.filter(version__in=[1, 2]).update(retired_on=dt.date(2026, 11, 1))
    AssessmentFramework.objects.create(
        version=3, name="v3", weight_priority=Decimal("0.5"), weight_conditions=Decimal("0.3"),
        weight_effectiveness=Decimal("0.2"), published_on=dt.date(2026, 11, 1),
    )
    selectivity_recompute(as_of=AS_OF)
    # Then the v2 row is untouched (its caps still explained by v2) and an uncapped v3 row follows it
    rows = list(SelectivityScore.objects.filter(country=country).order_by("id").select_related("framework"))
    assert _rows()[0] == old[0]
    assert [row.framework.version for row in rows] == [2, 3]
    assert rows[1].weight_priority == Decimal("0.5") and rows[1].caps_applied == ""
    assert [cap.reason for cap in score_caps(rows[0])] == [
        "Governance / human-rights criterion at 2 or below: at most review.", "Open crisis: review pending."]
    assert v2.band_caps.count() == 2


def _recompute_queries(n: int, author) -> int:
    _scored_countries(n, author)
    with CaptureQueriesContext(connection) as queries:
        added = selectivity_recompute(as_of=AS_OF)
    assert added == n
    return len(queries.captured_queries)


def test_the_recompute_issues_the_same_number_of_queries_for_5_and_50_countries(manager):
    five = _recompute_queries(5, manager)
    SelectivityScore.objects.all().delete()
    fifty = _recompute_queries(50, manager)
    assert five == fifty
    assert fifty <= 4


@pytest.mark.parametrize(
    "tier,criterion_score,achievement,score,band",
    [
        (2, 4, 0.5, Decimal("70.00"), "invest"),       # 0.4*75 + 0.4*75 + 0.2*50
        (2, 4, 0.4995, Decimal("69.99"), "sustain"),   # E = 49.95
        (4, 4, 0.5, Decimal("50.00"), "sustain"),      # 0.4*25 + 0.4*75 + 0.2*50
        (4, 4, 0.4995, Decimal("49.99"), "review"),
        (4, 2, 1.0, Decimal("40.00"), "review"),       # 0.4*25 + 0.4*25 + 0.2*100
        (4, 1, 1.0, Decimal("30.00"), "review"),       # 0.4*25 + 0 + 0.2*100
        (4, 1, 0.9995, Decimal("29.99"), "deprioritise"),
    ],
)
def test_band_edges_in_sql(manager, tier, criterion_score, achievement, score, band):
    # Given inputs whose score lands exactly on (or 0.01 below) a band edge
    country = Country.objects.get(iso3="KEN")
    Country.objects.filter(pk=country.pk).update(priority_tier=tier)
    af.assessment(country=country, author=manager, score=criterion_score)
    af.rollup(country, achievement)
    # When the set-based recompute runs
    selectivity_recompute(country_ids=[country.pk], as_of=AS_OF)
    # Then the stored score and band are those of the edge
    row = SelectivityScore.objects.get(country=country)
    assert (row.score, row.band) == (score, band)


@pytest.mark.parametrize(
    "condition,setup,caps_applied",
    [
        ("human_rights", {"hr": 2}, "human_rights"),
        ("open_crisis", {"crisis": True}, "open_crisis"),
        ("stale_assessment", {"assessed_on": dt.date(2025, 1, 1)}, "stale_assessment"),
        ("none", {}, ""),
    ],
)
def test_each_cap_lowers_the_stored_band_and_is_named(manager, condition, setup, caps_applied):
    # Given an invest score (tier 1, criteria 5, achievement 0.9) under v2, plus a stale-assessment cap on a v3
    country = Country.objects.get(iso3="KEN")
    Country.objects.filter(pk=country.pk).update(priority_tier=1)
    framework = af.framework_v2()
    if condition == "stale_assessment":
        AssessmentFramework.objects.filter(version__in=[1, 2]).update(retired_on=dt.date(2026, 11, 1))
        framework = _framework((Decimal("0.4"), Decimal("0.4"), Decimal("0.2")), [Decimal(1)] * 7,
                               {"stale_assessment": "sustain"})
    af.assessment(country=country, author=manager, score=5, framework=framework,
                  scores={"governance_human_rights": setup.get("hr", 5)},
                  assessed_on=setup.get("assessed_on", dt.date(2026, 6, 1)))
    af.rollup(country, 0.9)
    if setup.get("crisis"):
        af.open_crisis(country)
    # When the set-based recompute runs
    selectivity_recompute(country_ids=[country.pk], as_of=AS_OF)
    # Then the score's own band is invest, and the stored band is the cap's, with the cap named
    row = SelectivityScore.objects.get(country=country)
    assert row.band_uncapped == "invest" and row.caps_applied == caps_applied
    assert row.band == {"human_rights": "review", "open_crisis": "review", "stale_assessment": "sustain"}.get(
        condition, "invest")

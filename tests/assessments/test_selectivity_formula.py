"""The selectivity formula's pure reference function, branch by branch (DESIGN.md section 3)."""
import datetime as dt
from decimal import Decimal

import pytest

from assessments.computations.selectivity import (
    BandCapRule,
    CriterionInput,
    band_for,
    conditions_component,
    months_before,
    selectivity_reference,
    stale_cutoff,
)

WEIGHTS = (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))
AS_OF = dt.date(2026, 11, 25)


def criteria(*scores: int, hr: int | None = None) -> list[CriterionInput]:
    rows = [CriterionInput(score=s, weight=Decimal(1)) for s in scores]
    if hr is not None:
        rows.append(CriterionInput(score=hr, weight=Decimal(1), is_human_rights=True))
    return rows


def compute(**overrides):
    inputs = dict(
        weights=WEIGHTS,
        tier=2,
        criteria=criteria(4, 4, 4, 4, 4, 4, hr=4),
        assessed_on=dt.date(2026, 6, 1),
        achievement=0.5,
        open_crisis=False,
        as_of=AS_OF,
    )
    inputs.update(overrides)
    return selectivity_reference(**inputs)


def test_all_components_present_give_the_weighted_mean():
    # Given tier 2 (75), all criteria 4 (75) and achievement 0.5 (50)
    result = compute()
    # Then the score is 0.4*75 + 0.4*75 + 0.2*50 = 70, complete, band invest
    assert (result.priority_component, result.conditions_component, result.effectiveness_component) == (
        Decimal(75), Decimal("75.00"), Decimal("50.00"))
    assert result.score == Decimal("70.00")
    assert result.band == "invest"
    assert not result.flag_incomplete


@pytest.mark.parametrize("score,expected", [(1, 0), (2, 25), (3, 50), (4, 75), (5, 100)])
def test_criterion_scores_map_1_to_5_onto_0_to_100(score, expected):
    assert conditions_component(criteria(score)) == Decimal(expected)


def test_conditions_is_weighted_by_criterion_weight():
    rows = [CriterionInput(score=5, weight=Decimal(3)), CriterionInput(score=1, weight=Decimal(1))]
    assert conditions_component(rows) == Decimal("75.00")


@pytest.mark.parametrize(
    "missing,expected",
    [
        # No tier: (0.4*75 + 0.2*50) / 0.6 = 66.666.. -> 66.67
        ({"tier": None}, Decimal("66.67")),
        # No approved assessment: (0.4*75 + 0.2*50) / 0.6
        ({"criteria": None, "assessed_on": None}, Decimal("66.67")),
        # No effectiveness data: (0.4*75 + 0.4*75) / 0.8 = 75
        ({"achievement": None}, Decimal("75.00")),
        # Only the tier: 75
        ({"criteria": None, "assessed_on": None, "achievement": None}, Decimal("75.00")),
    ],
)
def test_a_missing_component_renormalises_the_weights_and_flags_incomplete(missing, expected):
    result = compute(**missing)
    assert result.score == expected
    assert result.flag_incomplete


def test_no_component_at_all_gives_no_score():
    result = compute(tier=None, criteria=None, assessed_on=None, achievement=None)
    assert result.score is None
    assert result.band == "no_data"
    assert result.flag_incomplete


def test_an_assessment_older_than_18_months_is_stale():
    cutoff = stale_cutoff(AS_OF)
    assert cutoff == dt.date(2025, 5, 25)
    assert compute(assessed_on=cutoff - dt.timedelta(days=1)).flag_stale_assessment
    assert not compute(assessed_on=cutoff).flag_stale_assessment


def test_eighteen_months_before_clamps_to_the_end_of_the_month():
    assert months_before(dt.date(2026, 8, 31), 18) == dt.date(2025, 2, 28)


@pytest.mark.parametrize("hr_score,flagged", [(1, True), (2, True), (3, False), (5, False)])
def test_human_rights_criterion_at_or_below_2_flags_a_concern(hr_score, flagged):
    assert compute(criteria=criteria(4, 4, hr=hr_score)).flag_human_rights is flagged


def test_open_crisis_is_flagged():
    assert compute(open_crisis=True).flag_open_crisis
    assert not compute().flag_open_crisis


@pytest.mark.parametrize(
    "score,band",
    [
        (Decimal("70"), "invest"), (Decimal("69.99"), "sustain"), (Decimal("50"), "sustain"),
        (Decimal("49.99"), "review"), (Decimal("30"), "review"), (Decimal("29.99"), "deprioritise"),
        (Decimal("0"), "deprioritise"), (None, "no_data"),
    ],
)
def test_band_edges(score, band):
    assert band_for(score) == band


def test_score_just_below_70_is_sustain():
    # Given P=75, C=75 and achievement 0.4995 (E=49.95): 0.4*75+0.4*75+0.2*49.95 = 69.99
    result = compute(achievement=0.4995)
    assert result.score == Decimal("69.99")
    assert result.band == "sustain"


def test_a_tier_change_moves_the_priority_component_and_the_score():
    # Given the same inputs, when the tier goes from 2 to 1
    before, after = compute(tier=2), compute(tier=1)
    # Then P goes 75 -> 100 and the score rises by 0.4 * 25 = 10
    assert (before.priority_component, after.priority_component) == (Decimal(75), Decimal(100))
    assert after.score - before.score == Decimal("10.00")
    assert (before.band, after.band) == ("invest", "invest")
    assert compute(tier=4).score == Decimal("50.00")
    assert compute(tier=4).band == "sustain"


# --- The range of the missing components ---------------------------------------------


@pytest.mark.parametrize(
    "missing,low,high",
    [
        # Complete: the range is the score
        ({}, Decimal("70.00"), Decimal("70.00")),
        # No assessment: 0.4*75 + 0.2*50 = 40 at C = 0; + 0.4*100 = 80 at C = 100
        ({"criteria": None, "assessed_on": None}, Decimal("40.00"), Decimal("80.00")),
        # No tier and no effectiveness: 0.4*75 = 30; + 0.4*100 + 0.2*100 = 90
        ({"tier": None, "achievement": None}, Decimal("30.00"), Decimal("90.00")),
        # Nothing: 0 to 100 (and no score)
        ({"tier": None, "criteria": None, "assessed_on": None, "achievement": None}, Decimal("0.00"), Decimal("100.00")),
    ],
)
def test_the_range_puts_each_missing_component_at_0_and_at_100(missing, low, high):
    result = compute(**missing)
    assert (result.low, result.high) == (low, high)
    assert result.score is None or low <= result.score <= high


def test_the_range_rounds_half_up_to_the_cent():
    # P = 75, E = 49.95, C missing, weights 1/1/1: low = 124.95 / 3 = 41.65, high = 224.95 / 3 = 74.983.. -> 74.98
    result = compute(weights=(Decimal(1), Decimal(1), Decimal(1)), criteria=None, assessed_on=None, achievement=0.4995)
    assert (result.low, result.high) == (Decimal("41.65"), Decimal("74.98"))


def test_weights_adding_up_to_zero_give_no_range():
    result = compute(weights=(Decimal(0), Decimal(0), Decimal(0)))
    assert (result.score, result.low, result.high) == (None, None, None)


# --- Band caps ---------------------------------------------------------------------

REVIEW_CAPS = [BandCapRule("human_rights", "review"), BandCapRule("open_crisis", "review")]


def test_a_human_rights_concern_caps_the_band_at_review():
    # Given an invest score with the human-rights criterion at 2: C = (6 * 100 + 25) / 7 = 89.29,
    # score = 0.4 * 75 + 0.4 * 89.29 + 0.2 * 50 = 75.72
    result = compute(criteria=criteria(5, 5, 5, 5, 5, 5, hr=2), caps=REVIEW_CAPS)
    # Then the band is review, the score's own band is kept, and the cap is named
    assert result.score == Decimal("75.72") and result.band_uncapped == "invest"
    assert result.band == "review" and result.caps_applied == ("human_rights",)


def test_an_open_crisis_caps_the_band_at_review():
    result = compute(open_crisis=True, caps=REVIEW_CAPS)
    assert (result.band_uncapped, result.band, result.caps_applied) == ("invest", "review", ("open_crisis",))


def test_a_stale_assessment_cap_applies_when_the_framework_has_one():
    stale = dt.date(2025, 1, 1)
    assert compute(assessed_on=stale, caps=REVIEW_CAPS).band == "invest"
    result = compute(assessed_on=stale, caps=[BandCapRule("stale_assessment", "sustain")])
    assert (result.band, result.caps_applied) == ("sustain", ("stale_assessment",))


def test_a_cap_never_raises_a_band_and_the_lowest_cap_wins():
    # Given a deprioritise score (tier 4, criteria 1, achievement 0: 10) under an open crisis
    low = compute(tier=4, criteria=criteria(1, 1, hr=1), achievement=0.0, open_crisis=True, caps=REVIEW_CAPS)
    # Then it stays deprioritise, though both caps held (and are listed in the fixed order)
    assert (low.band, low.caps_applied) == ("deprioritise", ("human_rights", "open_crisis"))
    both = compute(criteria=criteria(5, 5, 5, hr=1), open_crisis=True,
                   caps=[BandCapRule("open_crisis", "sustain"), BandCapRule("human_rights", "deprioritise")])
    assert (both.band_uncapped, both.band) == ("invest", "deprioritise")


def test_no_caps_without_rules_and_no_cap_on_no_data():
    assert compute(open_crisis=True).caps_applied == ()
    nothing = compute(tier=None, criteria=None, assessed_on=None, achievement=None, open_crisis=True, caps=REVIEW_CAPS)
    assert (nothing.band, nothing.caps_applied) == ("no_data", ())

"""The ranking rule: missing evidence never raises a rank (docs/selectivity.md).

Pure properties on the reference function, the selectors' SQL order held equal to the
pure key, the explanation of what is missing, and the ranking page's switches.
"""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings, strategies as st

from assessments.computations.ranking import evidence_gaps, ranking_key
from assessments.computations.selectivity import CriterionInput, selectivity_reference
from assessments.selectors import RANK_BY_SCORE, current_scores, selectivity_latest_by_country
from programs.models import Country

from tests.factories import assessments as af

AS_OF = dt.date(2026, 11, 25)
COMPONENTS = ("tier", "criteria", "achievement")

weight = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=3)
inputs = st.fixed_dictionaries({
    "tier": st.integers(1, 4),
    "criteria": st.lists(st.integers(1, 5), min_size=7, max_size=7),
    "achievement": st.floats(min_value=0, max_value=1, allow_nan=False),
})


def _result(weights, spec, missing):
    return selectivity_reference(
        weights=weights,
        tier=None if "tier" in missing else spec["tier"],
        criteria=None if "criteria" in missing else [
            CriterionInput(score=s, weight=Decimal(1), is_human_rights=i == 6) for i, s in enumerate(spec["criteria"])],
        assessed_on=None if "criteria" in missing else dt.date(2026, 6, 1),
        achievement=None if "achievement" in missing else spec["achievement"],
        open_crisis=False,
        as_of=AS_OF,
    )


def _key(result):
    return ranking_key(low=result.low, high=result.high, score=result.score)


@settings(max_examples=400, deadline=None)
@given(
    weights=st.tuples(weight, weight, weight).filter(lambda w: sum(w) > 0),
    spec=inputs,
    fewer=st.sets(st.sampled_from(COMPONENTS)),
    more=st.sets(st.sampled_from(COMPONENTS)),
)
def test_supplying_missing_evidence_never_lowers_a_rank(weights, spec, fewer, more):
    # Given a country missing some components, and the same country missing more of them
    less_evidence = _result(weights, spec, fewer | more)
    more_evidence = _result(weights, spec, fewer)
    # Then the one with more evidence ranks at least as high, whatever the evidence says
    assert _key(more_evidence) <= _key(less_evidence)


@settings(max_examples=400, deadline=None)
@given(
    weights=st.tuples(weight, weight, weight).filter(lambda w: sum(w) > 0),
    a=inputs, b=inputs,
    a_missing=st.sets(st.sampled_from(COMPONENTS), min_size=1),
    b_missing=st.sets(st.sampled_from(COMPONENTS)),
)
def test_a_country_never_ranks_above_another_because_it_has_less_evidence(weights, a, b, a_missing, b_missing):
    # Given country A ranked above country B while A misses some evidence
    above, other = _result(weights, a, a_missing), _result(weights, b, b_missing)
    if not _key(above) < _key(other):
        return
    # When A's missing evidence arrives, whatever it says
    for supplied in ({c for c in a_missing if c != dropped} for dropped in [None, *a_missing]):
        # Then A still ranks above B: its place was earned by evidence it had
        assert _key(_result(weights, a, supplied)) < _key(other)


def test_the_rule_ranks_an_assessed_country_above_an_unassessed_one_the_raw_score_puts_first():
    # Kenya as the issue saw it: tier 2, achievement 0.8, no assessment: score 76.67 (40-... range)
    weights = (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))
    kenya = _result(weights, {"tier": 2, "criteria": [3] * 7, "achievement": 0.8}, {"criteria"})
    assessed = _result(weights, {"tier": 2, "criteria": [3] * 7, "achievement": 0.8}, set())
    assert kenya.score == Decimal("76.67") and (kenya.low, kenya.high) == (Decimal("46.00"), Decimal("86.00"))
    assert assessed.score == Decimal("66.00") and assessed.low == assessed.high == assessed.score
    assert _key(assessed) < _key(kenya) and kenya.score > assessed.score


def test_equal_low_ends_rank_the_better_evidenced_country_first():
    # Given a complete score whose C is 0 and the same country without an assessment
    weights = (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))
    complete = _result(weights, {"tier": 1, "criteria": [1] * 7, "achievement": 0.5}, set())
    unassessed = _result(weights, {"tier": 1, "criteria": [1] * 7, "achievement": 0.5}, {"criteria"})
    # Then the low ends are equal (50) though the unassessed score is higher (83.33), and
    # the complete one ranks first (ties by the score alone would put it second)
    assert complete.low == unassessed.low == Decimal("50.00")
    assert unassessed.score == Decimal("83.33") > complete.score
    assert _key(complete) < _key(unassessed)


def test_evidence_gaps_say_what_is_missing_and_what_it_would_take():
    weights = (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))
    only = evidence_gaps(weights=weights, components=(Decimal(75), None, Decimal(80)))
    assert [g.sentence for g in only] == [
        "No approved assessment: approving an assessment would settle the score between 46.00 and 86.00."]
    two = evidence_gaps(weights=weights, components=(Decimal(75), None, None))
    assert [(g.key, g.low_at_0, g.low_at_100) for g in two] == [
        ("conditions", Decimal("30.00"), Decimal("70.00")), ("effectiveness", Decimal("30.00"), Decimal("50.00"))]
    assert two[1].sentence == ("No MOE achievement data: approved measurements of its running programs' MOEs "
                               "would put the low end of the range between 30.00 and 50.00.")
    assert evidence_gaps(weights=weights, components=(Decimal(75), Decimal(50), Decimal(80))) == []


# --- The stored ranking: SQL order, pages, API -----------------------------------------


@pytest.mark.django_db
def test_the_selectors_sql_order_is_the_pure_ranking_key(manager):
    af.ranked_portfolio(manager, as_of=AS_OF)
    rows = list(current_scores())
    assert [r.country.iso3 for r in rows] == ["GHA", "UGA", "COL", "PER", "KEN", "NGA"]
    assert rows == sorted(rows, key=lambda r: (ranking_key(low=r.low, high=r.high, score=r.score), r.country.name))
    raw = [r.country.iso3 for r in current_scores(rank_by=RANK_BY_SCORE)]
    assert raw == ["GHA", "PER", "KEN", "UGA", "COL", "NGA"]


@pytest.mark.django_db
def test_selectivity_latest_by_country_gives_the_planner_the_range_and_the_capped_band(manager, django_assert_num_queries):
    countries = af.ranked_portfolio(manager, as_of=AS_OF)
    with django_assert_num_queries(2):
        latest = selectivity_latest_by_country()
    ghana, kenya = latest[countries["GHA"].pk], latest[countries["KEN"].pk]
    assert (ghana.score, ghana.band, ghana.band_uncapped, ghana.caps) == (
        Decimal("100.00"), "review", "invest", ("Open crisis: review pending.",))
    assert (kenya.low, kenya.high, kenya.band, kenya.caps, kenya.complete) == (
        Decimal("46.00"), Decimal("86.00"), "invest", (), False)
    assert set(selectivity_latest_by_country([countries["KEN"].pk])) == {countries["KEN"].pk}


@pytest.fixture
def manager_client(client, manager):
    """A signed-in manager, with the six-country ranked portfolio scored."""
    af.ranked_portfolio(manager, as_of=AS_OF)
    client.force_login(manager)
    return client


@pytest.mark.django_db
def test_the_ranking_page_switches_to_the_raw_score_and_to_complete_only(manager_client):
    client = manager_client
    url = reverse("assessments:ranking")

    def order(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [row["score"].country.iso3 for row in response.context["rows"]], response.content.decode()

    ranked, body = order()
    assert ranked == ["GHA", "UGA", "COL", "PER", "KEN", "NGA"]
    assert "a country never ranks above another because it has less evidence" in body
    assert "46.00–86.00" in body and "(capped from invest)" in body and "cap: Open crisis: review pending." in body
    raw, body = order(rank="score")
    assert raw == ["GHA", "PER", "KEN", "UGA", "COL", "NGA"] and "Ranked by the raw score" in body
    assert order(complete="true")[0] == ["GHA", "UGA", "COL"]
    assert order(rank="score", complete="true")[0] == ["GHA", "UGA", "COL"]
    # A bad value is reported on its field and the default order kept
    ranked, body = order(rank="best")
    assert ranked == ["GHA", "UGA", "COL", "PER", "KEN", "NGA"] and re.search(r'id="id_rank_error">Select a valid choice\.', body)


@pytest.mark.django_db
def test_the_country_page_shows_the_range_and_what_would_settle_it(manager_client):
    body = manager_client.get(reverse("assessments:country-selectivity", args=["KEN"])).content.decode()
    assert "Range: <strong>46.00&ndash;86.00</strong>" in body
    assert "No approved assessment: approving an assessment would settle the score between 46.00 and 86.00." in body


@pytest.mark.django_db
def test_the_country_dashboard_shows_the_range_and_the_cap(manager_client):
    kenya = manager_client.get(reverse("dashboards:country", args=["KEN"])).content.decode()
    assert "Range with the missing evidence: 46.00–86.00 (the ranking uses the low end)." in kenya
    ghana = manager_client.get(reverse("dashboards:country", args=["GHA"])).content.decode()
    assert "Cap: Open crisis: review pending. (the score alone gives invest)" in ghana

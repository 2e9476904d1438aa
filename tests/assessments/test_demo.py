"""The demo builder: assessments as in real use (most approved, some stale, a few
submitted only or missing), scores with ranges and caps, deterministic and idempotent."""
import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from assessments.demo import build_demo_data
from assessments.models import AssessmentStatus, CountryAssessment, SelectivityScore
from programs.demo.users import demo_users_ensure
from programs.models import Country
from tests import factories

from tests.factories import assessments as af

pytestmark = pytest.mark.django_db


def _rows():
    return list(SelectivityScore.objects.order_by("id").values_list(
        "id", "country_id", "score", "low", "high", "band", "caps_applied"))


def _demo_countries(n: int) -> list[Country]:
    """``n`` countries with a tier, a DEMO- program and MOE achievement each, as the
    programs and evaluations demos leave them."""
    af.framework_v2()
    demo_users_ensure()
    countries = list(Country.objects.order_by("iso3")[:n])
    for index, country in enumerate(countries):
        Country.objects.filter(pk=country.pk).update(priority_tier=1 + index % 4)
        factories.ProgramFactory(code=f"DEMO-{index:03d}", countries=[country])
        af.rollup(country, (index % 10) / 10)
    return countries


def test_the_demo_assesses_most_countries_some_stale_a_few_pending_or_missing():
    # Given 50 countries with demo programs and tiers
    countries = _demo_countries(50)
    # When the demo is built
    with CaptureQueriesContext(connection) as queries:
        build_demo_data(seed=7)
    # Then 43 are approved (by the manager, written by an analyst), 3 only submitted, 4 have none
    statuses = list(CountryAssessment.objects.values_list("status", flat=True))
    assert statuses.count(AssessmentStatus.APPROVED) == 43 and statuses.count(AssessmentStatus.SUBMITTED) == 3
    assert CountryAssessment.objects.values("country").distinct().count() == 46
    assert CountryAssessment.objects.filter(status="approved", approved_by__username="manager",
                                            created_by__username="analyst.state").count() == 43
    assert CountryAssessment.history.count() == 46
    # And every country has a score: 9 stale, 7 incomplete (with a range), some capped for human rights
    scores = SelectivityScore.objects.filter(country__in=countries)
    assert scores.count() == 50
    assert scores.filter(flag_stale_assessment=True).count() == 9
    incomplete = scores.filter(flag_incomplete=True)
    assert incomplete.count() == 7 and not incomplete.filter(low=F("high")).exists()
    assert scores.filter(caps_applied="human_rights", band="review").exists() or scores.filter(
        caps_applied="human_rights", band="deprioritise").exists()
    # And the builder is bulk: its query count does not depend on the number of countries
    assert len(queries.captured_queries) < 40


def test_the_demo_is_deterministic_and_idempotent():
    _demo_countries(20)
    build_demo_data(seed=7)
    rows = _rows()
    picked = sorted(CountryAssessment.objects.values_list("country__iso3", "status", "assessed_on"))
    # Building it again changes nothing
    build_demo_data(seed=7)
    assert CountryAssessment.objects.count() == len(picked) and _rows() == rows
    # And the same seed picks the same countries and scores from scratch
    SelectivityScore.objects.all().delete()
    CountryAssessment.objects.all().delete()
    build_demo_data(seed=7)
    assert sorted(CountryAssessment.objects.values_list("country__iso3", "status", "assessed_on")) == picked


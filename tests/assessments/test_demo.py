"""The demo builder: approved and submitted assessments for tiered countries, scores, idempotent."""
import pytest

from assessments.demo import build_demo_data
from assessments.models import AssessmentStatus, CountryAssessment, SelectivityScore
from programs.demo.users import demo_users_ensure
from programs.models import Country

from tests.factories import assessments as af

pytestmark = pytest.mark.django_db


def _rows():
    return list(SelectivityScore.objects.order_by("id").values_list("id", "country_id", "score", "band"))


def test_build_demo_data_is_idempotent():
    # Given the demo users and tiered countries (as the programs demo leaves them)
    af.framework_v1()
    demo_users_ensure()
    tiered = list(Country.objects.order_by("iso3")[:8])
    for index, country in enumerate(tiered):
        Country.objects.filter(pk=country.pk).update(priority_tier=1 + index % 4)
    # When the demo is built
    build_demo_data(seed=7)
    # Then five approved and one submitted assessment exist, and scores for the tiered countries
    statuses = sorted(CountryAssessment.objects.values_list("status", flat=True))
    assert statuses == [AssessmentStatus.APPROVED] * 5 + [AssessmentStatus.SUBMITTED]
    assert CountryAssessment.objects.filter(approved_by__username="manager").count() == 5
    assert SelectivityScore.objects.count() == len(tiered)
    assert SelectivityScore.objects.filter(assessment__isnull=False).count() == 5
    rows = _rows()
    # And building it again changes nothing
    build_demo_data(seed=7)
    assert CountryAssessment.objects.count() == 6
    assert _rows() == rows

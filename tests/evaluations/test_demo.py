"""The evaluations demo builder: evaluations with recommendations, some overdue; idempotent."""
import pytest

from evaluations.demo import build_demo_data
from evaluations.models import Evaluation, ProgramRollup, Recommendation
from tests import factories

pytestmark = pytest.mark.django_db


def test_demo_data_is_built_once_and_recomputes_rollups(agency_a):
    for _ in range(8):
        factories.ProgramFactory(lead_agency=agency_a)
    build_demo_data(seed=3)
    evaluations, recommendations = Evaluation.objects.count(), Recommendation.objects.count()
    assert evaluations >= 3 and recommendations >= evaluations
    assert ProgramRollup.objects.count() == 8
    build_demo_data(seed=3)
    assert (Evaluation.objects.count(), Recommendation.objects.count()) == (evaluations, recommendations)

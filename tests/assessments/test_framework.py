"""Framework version 1 as seeded by the data migration."""
from decimal import Decimal

import pytest

from assessments.models import AssessmentFramework
from assessments.selectors import framework_current

pytestmark = pytest.mark.django_db


def test_version_1_is_seeded_with_the_policys_seven_criteria_and_weights():
    framework = AssessmentFramework.objects.get(version=1)
    assert framework_current() == framework
    assert (framework.weight_priority, framework.weight_conditions, framework.weight_effectiveness) == (
        Decimal("0.400"), Decimal("0.400"), Decimal("0.200"))
    names = list(framework.criteria.values_list("name", flat=True))
    assert names == [
        "Political will", "Absorptive capacity", "Credible and effective institutions",
        "Willingness to sustain investments", "Equal stake", "Commitment to security sector reform",
        "Governance and human-rights record",
    ]
    assert set(framework.criteria.values_list("weight", flat=True)) == {Decimal("1.000")}
    assert list(framework.criteria.filter(is_human_rights=True).values_list("code", flat=True)) == ["governance_human_rights"]

"""Framework versions 1 and 2 as seeded by the data migrations."""
from decimal import Decimal

import pytest

from assessments.models import AssessmentFramework, BandCap
from assessments.selectors import framework_current

pytestmark = pytest.mark.django_db

CRITERIA = [
    "Political will", "Absorptive capacity", "Credible and effective institutions",
    "Willingness to sustain investments", "Equal stake", "Commitment to security sector reform",
    "Governance and human-rights record",
]


@pytest.mark.parametrize("version", [1, 2])
def test_versions_1_and_2_hold_the_policys_seven_criteria_and_weights(version):
    framework = AssessmentFramework.objects.get(version=version)
    assert (framework.weight_priority, framework.weight_conditions, framework.weight_effectiveness) == (
        Decimal("0.400"), Decimal("0.400"), Decimal("0.200"))
    assert list(framework.criteria.values_list("name", flat=True)) == CRITERIA
    assert set(framework.criteria.values_list("weight", flat=True)) == {Decimal("1.000")}
    assert list(framework.criteria.filter(is_human_rights=True).values_list("code", flat=True)) == ["governance_human_rights"]


def test_version_2_is_current_and_holds_the_two_caps_version_1_has_none():
    v1, v2 = AssessmentFramework.objects.get(version=1), AssessmentFramework.objects.get(version=2)
    assert framework_current() == v2 and not v1.is_retired
    assert not v1.band_caps.exists()
    caps = {(c.condition, c.max_band): c.reason for c in BandCap.objects.filter(framework=v2)}
    assert caps == {
        ("human_rights", "review"): "Governance / human-rights criterion at 2 or below: at most review.",
        ("open_crisis", "review"): "Open crisis: review pending.",
    }


def test_a_cap_added_to_a_new_version_is_recorded_in_its_history():
    # Given a draft version 3 (nothing uses it yet)
    v3 = AssessmentFramework.objects.create(version=3, name="draft", published_on="2027-01-01")
    # When an administrator adds a stale-assessment cap
    BandCap.objects.create(framework=v3, condition="stale_assessment", max_band="sustain",
                           reason="Assessment older than 18 months: at most sustain.")
    # Then the change history holds it
    assert list(BandCap.history.filter(framework_id=v3.id).values_list("history_type", "max_band")) == [("+", "sustain")]


def test_the_admin_edits_a_versions_caps_until_a_score_uses_it(client, administrator):
    from assessments.services import selectivity_recompute
    from programs.models import Country
    from tests.security.signin import sign_in

    from tests.factories import assessments as af

    v2 = af.framework_v2()
    administrator.is_staff = administrator.is_superuser = True  # as the demo's "admin"
    administrator.save(update_fields=["is_staff", "is_superuser"])
    sign_in(client, administrator)
    url = f"/admin/assessments/assessmentframework/{v2.pk}/change/"
    # Given version 2 with no assessment or score under it, its caps are editable in its page
    page = client.get(url)
    assert page.status_code == 200 and 'name="band_caps-0-reason"' in page.content.decode()
    # When a score is computed under it
    Country.objects.filter(iso3="KEN").update(priority_tier=1)
    selectivity_recompute()
    # Then its caps are shown, frozen: old scores stay explained by the rules they were made under
    body = client.get(url).content.decode()
    assert 'name="band_caps-0-reason"' not in body and "Open crisis: review pending." in body
    history = client.get(f"/admin/assessments/bandcap/{v2.band_caps.first().pk}/history/")
    assert history.status_code == 200

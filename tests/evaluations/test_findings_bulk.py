"""Coordination findings: filtered by country, agency and kind, paginated, acknowledged
in bulk with one note."""
import pytest
from django.urls import reverse

from evaluations.models import FindingAcknowledgement
from evaluations.selectors.coordination import findings_filtered
from evaluations.services.coordination import findings_acknowledge
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def surges(agency_a, agency_b):
    return [factories.ProgramFactory(lead_agency=agency_a, is_surge=True, countries=[factories.country("KEN")])
            for _ in range(30)] + [
        factories.ProgramFactory(lead_agency=agency_b, is_surge=True, countries=[factories.country("MLI")])]


def test_findings_filter_by_country_agency_and_kind(surges):
    assert len(findings_filtered(kind="surge")) == 31
    assert {r.finding.program_ids[0] for r in findings_filtered(kind="surge", country="MLI")} == {surges[-1].pk}
    assert len(findings_filtered(kind="surge", agency="DOS")) == 30
    assert findings_filtered(kind="gap", agency="DOS") == []


def test_bulk_acknowledge_with_one_note_keeps_history(manager, surges):
    rows = findings_filtered(kind="surge", agency="DOS")
    assert findings_acknowledge(user=manager, findings=[(r.check, r.finding.fingerprint) for r in rows], note="Planned") == 30
    assert FindingAcknowledgement.objects.filter(note="Planned", acknowledged_by=manager).count() == 30
    assert FindingAcknowledgement.history.filter(history_user=manager).count() == 30
    assert len(findings_filtered(kind="surge")) == 1  # only the open one is left


def test_the_page_is_paginated_and_acknowledges_all_matching(client, manager, surges):
    client.force_login(manager)
    page = client.get(reverse("evaluations:coordination") + "?kind=surge").content.decode()
    assert page.count('name="findings"') == 25 and "Page 1 of 2" in page
    response = client.post(reverse("evaluations:acknowledge") + "?kind=surge&agency=DOS",
                           {"scope": "all", "note": "Sustainment plans due in FY2027"}, follow=True)
    assert "30 findings acknowledged" in response.content.decode()
    assert FindingAcknowledgement.objects.count() == 30


def test_a_bulk_acknowledgement_without_a_note_changes_nothing(client, manager, surges):
    client.force_login(manager)
    row = findings_filtered(kind="surge")[0]
    response = client.post(reverse("evaluations:acknowledge"), {"findings": [row.key], "note": ""}, follow=True)
    assert "Say why this finding is acceptable" in response.content.decode()
    assert not FindingAcknowledgement.objects.exists()

"""No input produces a 500: odd ids, parameters and posts on every program page."""
import pytest
from django.urls import reverse

from programs.models import ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)
    moe = factories.MoeFactory(program=program)
    return program, moe


@pytest.mark.parametrize(
    "name, args, params",
    [
        ("programs:measurement-grid", "program", {"fy": "abc"}),
        ("programs:measurement-grid", "program", {"fy": "99999999999999999999"}),
        ("programs:measurement-grid", "program", {"fy": "-5"}),
        ("programs:program-history", "program", {}),
        ("programs:moe-history", "moe", {}),
        ("programs:moe-edit", "moe", {}),
        ("programs:program-edit", "program", {}),
        ("programs:record-list", "institutions", {"country": "ZZZ", "page": "abc"}),
        ("programs:record-list", "donor-engagements", {"fiscal_year": "1e9"}),
        ("programs:record-list", "objectives", {"goal": "9.z", "strategy": "abc"}),
    ],
)
def test_get_never_500(client, analyst_a, setup, name, args, params):
    program, moe = setup
    client.force_login(analyst_a)
    arg = {"program": program.pk, "moe": moe.pk}.get(args, args)
    response = client.get(reverse(name, args=[arg]), params)
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["programs:program-detail", "programs:program-edit", "programs:program-history",
                                  "programs:measurement-grid", "programs:moe-create"])
def test_missing_program_is_404(client, analyst_a, name):
    client.force_login(analyst_a)
    assert client.get(reverse(name, args=[987654])).status_code == 404


def test_grid_post_with_tampered_version_and_unknown_fields(client, analyst_a, setup):
    program, moe = setup
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status="draft")
    client.force_login(analyst_a)
    response = client.post(
        reverse("programs:measurement-grid", args=[program.pk]),
        {"fy": "2026", f"value_{moe.pk}_FY2026-Q1": "7", f"version_{moe.pk}_FY2026-Q1": "not-a-number", "value_999_FY1990": "1"},
    )
    assert response.status_code == 409  # a tampered version counts as stale: nothing is overwritten
    assert b"Not saved." in response.content


def test_transition_on_archived_program_is_a_message(client, manager, setup):
    program, _ = setup
    program.archived_at = program.updated_at
    program.save()
    client.force_login(manager)
    response = client.post(reverse("programs:program-transition", args=[program.pk]),
                           {"action": "approve", "reason": "x", "version": program.version}, follow=True)
    assert response.status_code == 200
    assert b"archived" in response.content


def test_edit_of_archived_program_redirects_with_message(client, analyst_a, setup):
    program, _ = setup
    program.archived_at = program.updated_at
    program.save()
    client.force_login(analyst_a)
    response = client.get(reverse("programs:program-edit", args=[program.pk]), follow=True)
    assert b"a manager must restore it" in response.content


def test_get_on_post_only_actions_is_405(client, manager, setup):
    program, _ = setup
    client.force_login(manager)
    for name in ("programs:program-transition", "programs:program-archive", "programs:program-restore"):
        assert client.get(reverse(name, args=[program.pk])).status_code == 405


def test_approve_own_entry_is_a_message(client, manager, setup):
    program, moe = setup
    m = factories.MeasurementFactory(moe=moe, status="submitted", entered_by=manager)
    client.force_login(manager)
    response = client.post(reverse("programs:measurement-approve", args=[m.pk]), {"version": "abc"}, follow=True)
    assert response.status_code == 200
    assert b"Nothing was saved" in response.content

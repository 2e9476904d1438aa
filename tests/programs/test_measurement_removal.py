"""Removing a value entered by mistake (programs.services.measures.measurement_delete):
drafts and returned values only, by their program's editors, kept in the history, the
program announced for its rollups. The grid clears a cell to remove it."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from infrastructure.conflicts import StateConflict
from infrastructure.versioning import StaleVersionError
from programs.models import Measurement, MeasurementStatus
from programs.services.measures import NOT_REMOVABLE, measurement_delete
from programs.signals import program_data_changed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """The program ids announced to the rollups (program_data_changed), as they are sent."""
    seen: list[int] = []

    def receiver(sender, program_ids, **kwargs):
        seen.extend(program_ids)

    program_data_changed.connect(receiver, weak=False)
    yield seen
    program_data_changed.disconnect(receiver)


@pytest.mark.parametrize("status", [MeasurementStatus.DRAFT, MeasurementStatus.RETURNED])
def test_a_draft_or_returned_value_is_removed_with_its_history(analyst_a, proposed_moe, announced, status):
    measurement = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", value=Decimal("12"), status=status,
                                               return_reason="Wrong unit" if status == "returned" else "")
    measurement_delete(user=analyst_a, measurement=measurement, version=measurement.version)
    assert not Measurement.objects.filter(pk=measurement.pk).exists()
    deletion = Measurement.history.filter(id=measurement.pk).order_by("-history_id").first()
    assert (deletion.history_type, deletion.history_user, deletion.value) == ("-", analyst_a, Decimal("12"))
    assert deletion.history_change_reason == "removed (entered by mistake)"
    assert announced == [proposed_moe.program_id]


@pytest.mark.parametrize("status", [MeasurementStatus.SUBMITTED, MeasurementStatus.APPROVED])
def test_a_submitted_or_approved_value_is_not_removed_and_the_message_says_what_to_do(analyst_a, proposed_moe, status):
    measurement = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", status=status)
    with pytest.raises(StateConflict) as refused:
        measurement_delete(user=analyst_a, measurement=measurement, version=measurement.version)
    assert refused.value.message_dict["status"] == [f"FY2026-Q1: {NOT_REMOVABLE[status]}"]
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_removal_follows_the_edit_rule_and_the_version(analyst_a, analyst_b, proposed_moe):
    measurement = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", status=MeasurementStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        measurement_delete(user=analyst_b, measurement=measurement, version=measurement.version)
    with pytest.raises(StaleVersionError):
        measurement_delete(user=analyst_a, measurement=measurement, version=measurement.version + 1)
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_a_value_with_a_breakdown_is_removed_with_it(analyst_a, proposed_moe):
    category = proposed_moe.disaggregation_categories.create(dimension="sex", name="female")
    measurement = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", value=Decimal("10"), status=MeasurementStatus.DRAFT)
    row = measurement.breakdown.create(category=category, value=Decimal("4"))
    measurement_delete(user=analyst_a, measurement=measurement, version=measurement.version)
    assert not type(row).objects.filter(pk=row.pk).exists()
    assert type(row).history.filter(id=row.pk, history_type="-", history_user=analyst_a).exists()


def _grid(client, proposed_program, data):
    return client.post(reverse("programs:measurement-grid", args=[proposed_program.pk]), {"fy": "2026", **data}, follow=True)


def test_clearing_a_draft_cell_in_the_grid_removes_the_value(client, analyst_a, proposed_program, proposed_moe):
    measurement = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", value=Decimal("5"), status=MeasurementStatus.DRAFT)
    key = f"{proposed_moe.pk}_FY2026-Q1"
    client.force_login(analyst_a)
    response = _grid(client, proposed_program, {f"value_{key}": "", f"version_{key}": str(measurement.version), "save": "1"})
    assert "FY2026: 1 value removed." in response.content.decode()
    assert not Measurement.objects.filter(pk=measurement.pk).exists()


def test_a_cell_the_post_does_not_carry_is_left_alone(client, analyst_a, proposed_program, proposed_moe):
    measurement = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", value=Decimal("5"), status=MeasurementStatus.DRAFT)
    client.force_login(analyst_a)
    response = _grid(client, proposed_program, {"save": "1"})
    assert "FY2026: nothing changed." in response.content.decode()
    assert Measurement.objects.filter(pk=measurement.pk).exists()


@pytest.mark.parametrize("status", [MeasurementStatus.SUBMITTED, MeasurementStatus.APPROVED])
def test_clearing_a_submitted_or_approved_cell_says_what_to_do_and_keeps_it(client, analyst_a, proposed_program, proposed_moe, status):
    measurement = factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", value=Decimal("5"), status=status)
    key = f"{proposed_moe.pk}_FY2026-Q1"
    client.force_login(analyst_a)
    response = client.post(reverse("programs:measurement-grid", args=[proposed_program.pk]),
                           {"fy": "2026", f"value_{key}": "", f"version_{key}": str(measurement.version), "save": "1"})
    assert response.status_code == 400
    assert NOT_REMOVABLE[status] in response.content.decode()
    assert Measurement.objects.filter(pk=measurement.pk, value=Decimal("5")).exists()


def test_the_save_button_says_what_it_does_on_approved_rows(client, analyst_a, proposed_program, proposed_moe):
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[proposed_program.pk])
    draft_only = client.get(url, {"fy": "2026"}).content.decode()
    assert ">Save as draft</button>" in draft_only
    factories.MeasurementFactory(moe=proposed_moe, period="FY2026-Q1", status=MeasurementStatus.APPROVED)
    with_approved = client.get(url, {"fy": "2026"}).content.decode()
    assert "Save as draft" not in with_approved
    assert ">Save changes</button>" in with_approved
    assert "a changed approved value needs a reason above and goes back to a manager for approval" in with_approved

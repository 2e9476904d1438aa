"""Program, funding and lifecycle services: validation, permissions, locking, history."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programs.models import Funding, Goal, Program, ProgramStatus
from infrastructure.versioning import StaleVersionError
from programs.services.programs import (
    allowed_transitions,
    archive_reason_error,
    funding_set,
    program_archive,
    program_create,
    program_restore,
    program_transition,
    program_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "code": "DOS-2026-0001",
        "title": "Coastal patrol capacity",
        "lead_agency": factories.agency("DOS"),
        "purpose": "build_capacity",
        "start_fy": 2025,
        "end_fy": 2027,
        "countries": [factories.country("KEN")],
        "goals": [Goal.objects.get(code="1.e")],
    }
    data.update(overrides)
    return data


def test_analyst_creates_program_with_funding_and_history(analyst_a):
    program = program_create(
        user=analyst_a,
        data=_data(),
        funding=[{"fiscal_year": 2026, "planned": Decimal("100"), "obligated": Decimal("50"), "disbursed": Decimal("10")}],
    )
    assert program.status == ProgramStatus.PROPOSED
    assert list(program.countries.values_list("iso3", flat=True)) == ["KEN"]
    assert program.funding.get(fiscal_year=2026).obligated == Decimal("50")
    assert program.history.first().history_user == analyst_a


def test_analyst_cannot_create_for_another_agency(analyst_b):
    with pytest.raises(PermissionDenied):
        program_create(user=analyst_b, data=_data())
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"end_fy": 2024}, "end_fy"),  # the constraint names its field
        ({"countries": []}, "countries"),
        ({"title": ""}, "title"),
        ({"start_fy": 1800, "end_fy": 1801}, "start_fy"),
        ({"purpose": "invade"}, "purpose"),
    ],
)
def test_bad_program_input_names_the_field(analyst_a, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        program_create(user=analyst_a, data=_data(**overrides))
    assert field in excinfo.value.message_dict
    assert not Program.objects.exists()


def test_funding_outside_program_years_is_refused_and_nothing_saved(analyst_a):
    with pytest.raises(ValidationError) as excinfo:
        program_create(user=analyst_a, data=_data(), funding=[{"fiscal_year": 2030, "planned": 1}])
    assert "fiscal_year" in excinfo.value.message_dict
    assert not Program.objects.exists()


def test_negative_funding_is_refused(analyst_a, program_a):
    with pytest.raises(ValidationError) as excinfo:
        funding_set(user=analyst_a, program=program_a, fiscal_year=2026, planned=Decimal("-1"),
                    obligated=Decimal("0"), disbursed=Decimal("0"), rationale_category="data_correction", rationale="x")
    assert "planned" in excinfo.value.message_dict
    assert not Funding.objects.exists()


def test_stale_version_is_refused_with_what_changed(analyst_a, program_a):
    read_version = program_a.version
    program_update(user=analyst_a, program=program_a, data={"title": "New title"}, version=read_version,
                   rationale_category="change_in_context", rationale="renamed")
    with pytest.raises(StaleVersionError) as excinfo:
        program_update(user=analyst_a, program=program_a, data={"description": "mine"}, version=read_version,
                       rationale_category="change_in_context", rationale="x")
    assert excinfo.value.changes[0]["field"] == "title"
    assert excinfo.value.changes[0]["new"] == "New title"
    assert Program.objects.get(pk=program_a.pk).description == ""


def test_edit_of_approved_program_needs_rationale(analyst_a, program_a):
    with pytest.raises(ValidationError) as excinfo:
        program_update(user=analyst_a, program=program_a, data={"title": "x"}, version=program_a.version)
    assert set(excinfo.value.message_dict) == {"rationale_category", "rationale"}
    program_update(user=analyst_a, program=program_a, data={"title": "x"}, version=program_a.version,
                   rationale_category="data_correction", rationale="typo")
    record = Program.history.filter(id=program_a.pk).first()
    assert (record.rationale_category, record.history_change_reason) == ("data_correction", "typo")


def test_other_agency_analyst_gets_permission_denied(analyst_b, program_a):
    with pytest.raises(PermissionDenied):
        program_update(user=analyst_b, program=program_a, data={"title": "x"}, version=program_a.version)


def test_lifecycle_transitions_by_role(analyst_a, manager):
    program = program_create(user=analyst_a, data=_data())
    assert allowed_transitions(analyst_a, program) == []
    with pytest.raises(PermissionDenied):
        program_transition(user=analyst_a, program=program, action="approve", reason="ready", version=program.version)
    program = program_transition(user=manager, program=program, action="approve", reason="fits strategy", version=program.version)
    program = program_transition(user=analyst_a, program=program, action="start", reason="contract signed", version=program.version)
    assert program.status == ProgramStatus.ACTIVE
    assert program.history.first().history_change_reason == "start: contract signed"
    with pytest.raises(ValidationError):
        program_transition(user=manager, program=program, action="approve", reason="again", version=program.version)
    with pytest.raises(ValidationError) as excinfo:
        program_transition(user=analyst_a, program=program, action="review", reason=" ", version=program.version)
    assert "reason" in excinfo.value.message_dict


def test_archive_and_restore(analyst_a, manager, program_a):
    program_archive(user=analyst_a, program=program_a, reason="duplicate entry", version=program_a.version)
    program_a.refresh_from_db()
    assert program_a.is_archived
    with pytest.raises(PermissionDenied):
        program_restore(user=analyst_a, program=program_a, version=program_a.version)
    program_restore(user=manager, program=program_a, version=program_a.version)
    program_a.refresh_from_db()
    assert not program_a.is_archived


def test_archive_and_restore_name_the_version_they_read(analyst_a, manager, program_a):
    """An archive (or restore) decided on a stale page, or without a version, is refused
    with who changed what; archiving what is archived changes nothing and needs none."""
    read = program_a.version
    program_update(user=analyst_a, program=program_a, data={"title": "Renamed meanwhile"}, version=read,
                   rationale_category="data_correction", rationale="Title fixed")
    for version in (read, None):
        with pytest.raises(StaleVersionError) as stale:
            program_archive(user=manager, program=program_a, reason="duplicate", version=version)
        assert stale.value.editors == ["analyst_a"] and stale.value.current == read + 1
    assert not Program.objects.get(pk=program_a.pk).is_archived
    program_archive(user=manager, program=program_a, reason="duplicate", version=read + 1)
    assert program_archive(user=analyst_a, program=program_a, version=None).version == read + 2  # no-op
    with pytest.raises(StaleVersionError):
        program_restore(user=manager, program=program_a, version=read + 1)
    with pytest.raises(StaleVersionError):
        program_restore(user=manager, program=program_a, version=None)
    program_restore(user=manager, program=program_a, version=read + 2)
    program_a.refresh_from_db()
    assert (program_a.is_archived, program_a.version, program_a.title) == (False, read + 3, "Renamed meanwhile")


@pytest.mark.parametrize(("status", "needs_reason"), [(status, status != ProgramStatus.PROPOSED) for status in ProgramStatus.values])
def test_archive_needs_a_reason_past_the_proposal(analyst_a, agency_a, status, needs_reason):
    program = factories.ProgramFactory(lead_agency=agency_a, status=status)
    assert (archive_reason_error(status, "") is not None) is needs_reason
    if needs_reason:
        with pytest.raises(ValidationError) as caught:
            program_archive(user=analyst_a, program=program, reason=" ", version=program.version)
        assert "reason" in caught.value.message_dict
        assert not Program.objects.get(pk=program.pk).is_archived
    else:
        assert program_archive(user=analyst_a, program=program, reason="", version=program.version).is_archived

"""Services of the other records: permissions, validation, locking, archive/restore, history."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from programs.models import (
    DonorEngagement,
    Goal,
    ImplementingPartner,
    Objective,
    OtherDonor,
    PartnerInstitution,
    Sector,
    Strategy,
    Vetting,
)
from infrastructure.versioning import StaleVersionError
from programs.services.records import record_archive, record_create, record_restore, record_update
from tests import factories

pytestmark = pytest.mark.django_db


def _institution_data(**overrides):
    data = {
        "country": factories.country("KEN"),
        "name": "Kenya Coast Guard Service",
        "institution_type": "security_provider",
        "nature": "military",
        "level": "national",
    }
    data.update(overrides)
    return data


def test_analyst_creates_institution_with_history(analyst_a):
    institution = record_create(user=analyst_a, model=PartnerInstitution, data=_institution_data())
    assert institution.pk and institution.history.first().history_user == analyst_a


def test_user_without_role_cannot_create():
    nobody = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        record_create(user=nobody, model=ImplementingPartner, data={"name": "Acme", "kind": "contractor"})
    assert not ImplementingPartner.objects.exists()


def test_duplicate_name_is_a_validation_error(analyst_a):
    record_create(user=analyst_a, model=PartnerInstitution, data=_institution_data())
    with pytest.raises(ValidationError):
        record_create(user=analyst_a, model=PartnerInstitution, data=_institution_data())
    assert PartnerInstitution.objects.count() == 1


@pytest.mark.parametrize("model, data", [
    (PartnerInstitution, lambda: _institution_data()),
    (ImplementingPartner, lambda: {"name": "Acme", "kind": "contractor"}),
])
def test_record_stale_version_is_refused_with_who_changed_what(analyst_a, analyst_b, model, data):
    record = record_create(user=analyst_a, model=model, data=data())
    assert record.version == 1
    record_update(user=analyst_b, record=record, data={"name": "Renamed by B"}, version=1)
    with pytest.raises(StaleVersionError) as caught:
        record_update(user=analyst_a, record=record, data={"name": "Renamed by A"}, version=1)
    assert any(c["field"] == "name" and c["new"] == "Renamed by B" and c["by"] == "analyst_b" for c in caught.value.changes)
    assert "analyst_b" in str(caught.value)
    record.refresh_from_db()
    assert (record.name, record.version) == ("Renamed by B", 2)


def test_versioned_strategy_locking_and_version_increment(analyst_a, analyst_b):
    strategy = record_create(
        user=analyst_a, model=Strategy,
        data={"title": "Kenya ICS", "scope": "country", "country": factories.country("KEN"), "start_fy": 2026, "end_fy": 2029},
    )
    assert strategy.version == 1
    record_update(user=analyst_b, record=strategy, data={"title": "Kenya ICS 2026"}, version=1)
    strategy.refresh_from_db()
    assert strategy.version == 2
    with pytest.raises(StaleVersionError):
        record_update(user=analyst_a, record=strategy, data={"title": "Other"}, version=1)


def test_strategy_scope_mismatch_is_refused(analyst_a):
    with pytest.raises(ValidationError):
        record_create(
            user=analyst_a, model=Strategy,
            data={"title": "Bad", "scope": "regional", "country": factories.country("KEN"), "start_fy": 2026, "end_fy": 2029},
        )
    assert not Strategy.objects.exists()


def test_objective_with_goals(analyst_a):
    strategy = Strategy.objects.create(title="S", scope="country", country=factories.country("KEN"), start_fy=2026, end_fy=2028)
    objective = record_create(
        user=analyst_a, model=Objective,
        data={"strategy": strategy, "code": "1", "description": "Border control", "goals": [Goal.objects.get(code="1.e")]},
    )
    assert list(objective.goals.values_list("code", flat=True)) == ["1.e"]
    record_update(user=analyst_a, record=objective, data={"goals": []}, version=objective.version)
    assert not objective.goals.exists()


def test_vetting_dates_are_validated(analyst_a):
    institution = factories.PartnerInstitutionFactory()
    with pytest.raises(ValidationError):
        record_create(
            user=analyst_a, model=Vetting,
            data={"institution": institution, "status": "approved", "requested_on": dt.date(2026, 5, 1)},
        )
    vetting = record_create(
        user=analyst_a, model=Vetting,
        data={"institution": institution, "status": "approved", "requested_on": dt.date(2026, 5, 1),
              "decided_on": dt.date(2026, 6, 1), "expires_on": dt.date(2027, 6, 1)},
    )
    assert vetting.pk


def test_donor_engagement_negative_amount_refused(analyst_a):
    donor = OtherDonor.objects.create(name="UK FCDO", kind="bilateral")
    with pytest.raises(ValidationError):
        record_create(
            user=analyst_a, model=DonorEngagement,
            data={"donor": donor, "country": factories.country("KEN"), "sector": Sector.objects.get(dac_code="15210"),
                  "start_fy": 2026, "end_fy": 2027, "amount_usd": -5},
        )
    assert not DonorEngagement.objects.exists()


def test_archive_by_analyst_restore_only_by_manager(analyst_a, manager):
    partner = record_create(user=analyst_a, model=ImplementingPartner, data={"name": "Acme", "kind": "contractor"})
    with pytest.raises(StaleVersionError):  # a form without its version
        record_archive(user=analyst_a, record=partner, reason="duplicate", version=None)
    record_archive(user=analyst_a, record=partner, reason="duplicate", version=partner.version)
    partner.refresh_from_db()
    assert partner.is_archived and partner.archived_by == analyst_a
    with pytest.raises(ValidationError):
        record_update(user=analyst_a, record=partner, data={"name": "Acme 2"}, version=partner.version)
    with pytest.raises(PermissionDenied):
        record_restore(user=analyst_a, record=partner, version=partner.version)
    with pytest.raises(StaleVersionError) as stale:  # read before the archive
        record_restore(user=manager, record=partner, reason="needed", version=partner.version - 1)
    assert stale.value.editors == ["analyst_a"]
    record_restore(user=manager, record=partner, reason="needed", version=partner.version)
    partner.refresh_from_db()
    assert not partner.is_archived
    assert partner.history.first().history_change_reason == "restored: needed"


def test_non_archivable_record_archive_is_refused(analyst_a):
    vetting = Vetting.objects.create(institution=factories.PartnerInstitutionFactory(), requested_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        record_archive(user=analyst_a, record=vetting, version=vetting.version)

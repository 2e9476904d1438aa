"""The Django admin is not a write path for domain records (docs/security.md): program,
funding, MOE, target and measurement admins (and every other domain-model admin of
programs, assessments and evaluations) are read-only; nothing is deleted from the admin;
the one hard delete is the logged administrator purge (``manage.py purge_record``)."""
import logging
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

from infrastructure.admin_protection import ServiceSaveAdminMixin
from programs.models import Funding, MeasureOfEffectiveness, Measurement, Program, Target
from tests import factories

pytestmark = pytest.mark.django_db

APPS = ("programs", "assessments", "evaluations")
# Administrators maintain these in the admin (added and changed, never deleted).
REFERENCE_DATA = {
    "region", "country", "regionalorganization", "agency", "office", "goal", "sector", "otherdonor",
    "assessmentframework", "user",
}


# Admins of libraries kept as they are, each for a documented operation (docs/security.md,
# "Django admin"): the beat schedule, lock-out records (deleting one lifts a lock-out), and
# TOTP devices (deleting one resets a lost second factor).
LIBRARY_ADMINS = {"django_celery_beat", "axes", "otp_totp"}


@pytest.fixture
def rows(agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a)
    moe = factories.MoeFactory(program=program)
    return {
        Program: program,
        Funding: factories.FundingFactory(program=program, fiscal_year=2026),
        MeasureOfEffectiveness: moe,
        Target: factories.TargetFactory(moe=moe),
        Measurement: factories.MeasurementFactory(moe=moe),
    }


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", [Program, Funding, MeasureOfEffectiveness, Target, Measurement], ids=lambda m: m.__name__)
def test_domain_admin_views_are_read_only(client, root, rows, model):
    record = rows[model]
    history_before = model.history.count()
    assert client.get(_url(model, "changelist")).status_code == 200
    page = client.get(_url(model, "change", record.pk))
    assert page.status_code == 200 and b'name="_save"' not in page.content  # the view page, no save button
    assert client.get(_url(model, "add")).status_code == 403
    assert client.post(_url(model, "add"), {}).status_code == 403
    assert client.post(_url(model, "change", record.pk), {"version": 99}).status_code == 403
    assert client.post(_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    bulk = client.post(_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert model.objects.filter(pk=record.pk).exists()
    assert model.history.count() == history_before


def test_every_domain_admin_is_read_only_and_no_admin_deletes(rf, root):
    request = rf.get("/admin/")
    request.user = root
    registered = [(m, a) for m, a in admin.site._registry.items() if m._meta.app_label in APPS]
    assert len(registered) > 25
    for model, model_admin in registered:
        name = model._meta.model_name
        assert not model_admin.has_delete_permission(request), name
        assert "delete_selected" not in model_admin.get_actions(request), name
        if name not in REFERENCE_DATA:
            assert not model_admin.has_add_permission(request), name
            assert not model_admin.has_change_permission(request), name
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request) or name == "assessmentframework", (name, inline)


def test_administrator_purge_is_logged_with_who_and_why(root, rows, caplog):
    program = rows[Program]
    with caplog.at_level(logging.WARNING, logger="ssa_portal.security"):
        call_command("purge_record", "programs.Program", str(program.pk), administrator="root",
                     reason="test record created in production")
    assert not Program.objects.filter(pk=program.pk).exists()
    assert not Funding.objects.filter(program_id=program.pk).exists()
    event = next(r for r in caplog.records if "event=purge" in r.getMessage())
    assert "user=root" in event.getMessage() and "test record created in production" in event.getMessage()
    deletion = Program.history.filter(id=program.pk, history_type="-").get()
    assert deletion.history_user == root and "test record created in production" in deletion.history_change_reason
    cascaded = Funding.history.filter(program_id=program.pk, history_type="-").get()
    assert cascaded.history_actor == "purge by root"


def test_purge_needs_a_superuser_and_a_reason(root, rows, analyst_a):
    measurement = rows[Measurement]
    with pytest.raises(CommandError, match="superuser"):
        call_command("purge_record", "programs.Measurement", str(measurement.pk), administrator="analyst_a", reason="x")
    with pytest.raises(CommandError, match="why"):
        call_command("purge_record", "programs.Measurement", str(measurement.pk), administrator="root", reason=" ")
    assert Measurement.objects.filter(pk=measurement.pk, value=Decimal("50")).exists()


def test_every_admin_either_reads_or_saves_through_a_service_and_none_deletes(rf, root):
    """All apps: an admin that may add or change is a ServiceSaveAdminMixin (its saves go
    through a service); deleting is refused everywhere but the role mappings, whose removal
    goes through identity's service."""
    request = rf.get("/admin/")
    request.user = root
    deletable = {"grouprolemapping"}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in LIBRARY_ADMINS:
            continue
        name = model._meta.model_name
        writes = model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
        assert not writes or isinstance(model_admin, ServiceSaveAdminMixin), name
        assert model_admin.has_delete_permission(request) == (name in deletable), name
        assert ("delete_selected" in model_admin.get_actions(request)) == (name in deletable), name


def test_a_country_changed_in_the_admin_goes_through_its_service(client, root, agency_a, tasks_in_process,
                                                                 django_capture_on_commit_callbacks):
    """A new State bureau: saved with the administrator and the changed field in its history,
    its programs re-counted in the region rollups; its priority tier cannot be set here."""
    from evaluations.models import RegionRollup
    from evaluations.services.rollups import rollups_recompute
    from programs.models import Country, Region

    kenya = factories.country("KEN")
    program = factories.ProgramFactory(lead_agency=agency_a, countries=[kenya], status="active")
    moe = factories.MoeFactory(program=program)
    factories.TargetFactory(moe=moe)
    factories.MeasurementFactory(moe=moe)
    rollups_recompute()
    old_bureau, new_bureau = kenya.state_bureau, Region.objects.get(code="NEA")
    assert RegionRollup.objects.get(region=old_bureau).program_count == 1
    page = client.get(_url(Country, "change", kenya.pk))
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update({"state_bureau": new_bureau.pk, "priority_tier": 1})
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(_url(Country, "change", kenya.pk), data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    kenya.refresh_from_db()
    assert kenya.state_bureau == new_bureau and kenya.priority_tier is None  # the tier is read-only here
    entry = kenya.history.latest()
    assert (entry.history_user, entry.history_change_reason) == (root, "changed in the admin: state_bureau")
    assert RegionRollup.objects.get(region=new_bureau).program_count == 1
    assert RegionRollup.objects.get(region=old_bureau).program_count == 0


def test_withdrawing_a_tokens_write_access_in_the_admin_is_logged(client, root, analyst_a, caplog):
    from api.models import TokenGrant
    from api.tokens import api_token_issue

    grant, _ = api_token_issue(user=analyst_a, label="sync", can_write=True, issued_by=analyst_a)
    with caplog.at_level(logging.INFO, logger="ssa_portal.security"):
        client.post(reverse("admin:api_tokengrant_changelist"),
                    {"action": "make_read_only", "_selected_action": [grant.pk]})
    assert not TokenGrant.objects.get(pk=grant.pk).can_write
    assert any("event=api_token_made_read_only" in r.getMessage() and "holder=analyst_a" in r.getMessage()
               for r in caplog.records)

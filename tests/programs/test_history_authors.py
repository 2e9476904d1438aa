"""History names its author and reason, deletions too: every historical row written by
typical task and command runs has an author (a user, or a named system actor); deletions of
approved data carry the rationale; the history pages show the actor."""
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from assessments.tasks import selectivity_recompute_task
from dashboards.tasks import figures_refresh
from evaluations.tasks import rollups_recompute_all
from infrastructure.history import acting_as
from infrastructure.models.bases import RationaleHistory
from infrastructure.saving import validated_save
from infrastructure.tasks import deferred_tasks_replay
from programs.models import ProgramStatus, Target
from tests import factories

pytestmark = pytest.mark.django_db


def _historical_models() -> list:
    return [model for model in apps.get_models() if issubclass(model, RationaleHistory)]


def _last_ids() -> dict:
    return {model: (model.objects.order_by("-history_id").values_list("history_id", flat=True).first() or 0)
            for model in _historical_models()}


def test_every_history_row_of_tasks_and_commands_names_its_author(tmp_path):
    before = _last_ids()
    call_command("load_reference_data", stdout=open(tmp_path / "out.txt", "w"))
    call_command("load_demo_data", stdout=open(tmp_path / "demo.txt", "w"))
    for task in (rollups_recompute_all, selectivity_recompute_task, figures_refresh, deferred_tasks_replay):
        task.apply()
    written, anonymous = 0, []
    for model, last in before.items():
        rows = model.objects.filter(history_id__gt=last)
        written += rows.count()
        anonymous += [f"{model.__name__}#{row.history_id}" for row in rows.filter(history_user__isnull=True, history_actor="")[:5]]
    assert written > 100  # the demo portfolio was written, with history
    assert anonymous == []


def _write_client(user):
    from rest_framework.test import APIClient

    from api.tokens import api_token_issue

    _, token = api_token_issue(user=user, label="history test", can_write=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_removing_a_target_of_approved_data_records_who_and_why(analyst_a, agency_a):
    """The issue's example: the deletion row had no rationale."""
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.ACTIVE, start_fy=2025, end_fy=2028)
    moe = factories.MoeFactory(program=program)
    kept = factories.TargetFactory(moe=moe, period="FY2026-Q1", value=Decimal("10"))
    dropped = factories.TargetFactory(moe=moe, period="FY2026-Q2", value=Decimal("20"))
    response = _write_client(analyst_a).patch(
        f"/api/v1/moes/{moe.pk}/",
        {"version": moe.version, "targets": [{"period": "FY2026-Q1", "value": "10"}],
         "rationale_category": "scope_change", "rationale": "Q2 target dropped after the restructuring"},
        format="json",
    )
    assert response.status_code == 200
    assert not Target.objects.filter(pk=dropped.pk).exists() and Target.objects.filter(pk=kept.pk).exists()
    deletion = Target.history.get(id=dropped.pk, history_type="-")
    assert deletion.history_user == analyst_a
    assert (deletion.rationale_category, deletion.history_change_reason) == (
        "scope_change", "Q2 target dropped after the restructuring"
    )


def test_the_history_page_names_the_system_actor(client, analyst_a, program_a):
    with acting_as("import job 12"):
        program_a.title = "Renamed by the importer"
        program_a.version += 1
        validated_save(program_a)
    client.force_login(analyst_a)
    page = client.get(reverse("programs:program-history", args=[program_a.pk]))
    assert page.status_code == 200
    assert "import job 12" in page.content.decode()

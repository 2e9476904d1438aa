"""Two writes of the same new key at the same moment (a new-user trial sent 4-8 at once):
each passed its check before the other saved, so the database refuses the second. The
loser gets the answer it gets one after the other (409 ``state_conflict`` naming the field,
the same words), never the database's text (infrastructure.constraints.integrity_error_explained);
in a page's form and the importer likewise."""
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from infrastructure.saving import validated_save
from programs.importing.services import import_job_confirm
from programs.models import Agency, Country, Goal, ImportStatus, Measurement, Program, ProgramStatus
from tests import factories
from tests.importing.conftest import program_row, programs_csv
from tests.importing.test_import_service import _errors, _preview

WRITERS = 6
SQL_WORDS = ("duplicate key", "violates", "constraint", "DETAIL")


def _payload() -> dict:
    return {
        "code": "DOS-2027-0777", "title": "Harbor patrols", "lead_agency": Agency.objects.get(code="DOS").pk,
        "countries": [Country.objects.get(iso3="KEN").pk],
        "goals": list(Goal.objects.filter(code="1.a").values_list("pk", flat=True)),
        "purpose": "build_capacity", "start_fy": 2027, "end_fy": 2028,
    }


def _at_once(send) -> list:
    """Run ``send()`` in WRITERS threads released together; each thread has its own
    database connection (closed at its end). Returns the responses."""
    barrier, answers = threading.Barrier(WRITERS), []

    def run():
        try:
            barrier.wait(timeout=30)
            answers.append(send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == WRITERS
    return answers


def _losers_answer_as_one_after_the_other(answers, field: str, message: str) -> None:
    assert sorted(a.status_code for a in answers) == [201] + [409] * (WRITERS - 1), [a.content for a in answers]
    for answer in answers:
        if answer.status_code == 409:
            body = answer.json()
            assert body["code"] == "state_conflict" and body["errors"] == {field: [message]}, body
            assert not any(word in answer.content.decode() for word in SQL_WORDS)


# --- the refusal itself, deterministic: the check skipped, the database refuses ---------


@pytest.mark.django_db
def test_a_unique_field_refused_by_the_database_reads_as_its_own_check():
    factories.ProgramFactory(code="DOS-2027-0777")
    twin = factories.ProgramFactory.build(code="DOS-2027-0777", lead_agency=Agency.objects.get(code="DOS"))
    with pytest.raises(ValidationError) as checked:
        twin.full_clean(exclude=["lead_agency"])
    with pytest.raises(ValidationError) as refused:
        validated_save(twin, exclude=["code", "lead_agency"])  # the check passes: the database refuses
    assert refused.value.message_dict == {"code": checked.value.message_dict["code"]}
    assert refused.value.error_dict["code"][0].code == "unique"
    assert Program.objects.filter(code="DOS-2027-0777").count() == 1


@pytest.mark.django_db
def test_a_portal_constraint_refused_by_the_database_reads_as_its_message_on_its_field():
    measurement = factories.MeasurementFactory()
    twin = Measurement(moe=measurement.moe, period=measurement.period, value=1, entered_by=measurement.entered_by)
    with pytest.raises(ValidationError) as refused:
        validated_save(twin, exclude=["period"])
    assert refused.value.message_dict == {"period": ["This MOE already has a measurement for this period."]}
    assert refused.value.error_dict["period"][0].code == "unique"


# --- the API: writers released together --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_programs_created_at_once_with_one_code_give_the_losers_the_409_of_one_after_the_other(token_client, analyst_a):
    clients = [token_client(analyst_a, write=True) for _ in range(WRITERS)]
    payload = _payload()
    answers = _at_once(lambda: clients.pop().post("/api/v1/programs/", payload, format="json"))
    late = token_client(analyst_a, write=True).post("/api/v1/programs/", payload, format="json")
    assert late.status_code == 409
    _losers_answer_as_one_after_the_other(answers, "code", late.json()["errors"]["code"][0])
    assert Program.objects.filter(code=payload["code"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_measurements_recorded_at_once_for_one_period_give_the_losers_the_409_on_period(token_client, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2028)
    moe = factories.MoeFactory(program=program)
    clients = [(token_client(analyst_a, write=True), str(value)) for value in range(1, WRITERS + 1)]

    def send():  # each a different value: a real write, never an identical repeat (accepted as unchanged)
        client, value = clients.pop()
        return client.post("/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": value}, format="json")

    answers = _at_once(send)
    # One after the other, a loser finds the stored draft and is told to send its version
    # (stale_version); at the same moment, the database refuses its insert: the
    # constraint's words on period. Both 409, neither the database's text.
    assert sorted(a.status_code for a in answers) == [201] + [409] * (WRITERS - 1), [a.content for a in answers]
    for answer in (a for a in answers if a.status_code == 409):
        body = answer.json()
        assert body["errors"] in ({"period": ["This MOE already has a measurement for this period."]},
                                  {"version": [body["detail"]]}), body
        assert not any(word in answer.content.decode() for word in SQL_WORDS)
    assert Measurement.objects.filter(moe=moe).count() == 1


# --- the importer: a program saved by someone else while the file is written ---------


@pytest.mark.django_db(transaction=True)
def test_an_import_meeting_a_program_saved_meanwhile_reports_the_row_on_code_and_saves_nothing(analyst_a):
    job = _preview(analyst_a, programs_csv(program_row(code="DOS-2027-0777")))
    assert job.status == ImportStatus.PREVIEWED, job.report
    created = threading.Event()

    def other_user():  # saves the same code in a transaction still open when the import writes
        try:
            with transaction.atomic():
                factories.ProgramFactory(code="DOS-2027-0777")
                created.set()
                time.sleep(1.5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_user)
    thread.start()
    assert created.wait(timeout=30)
    job = import_job_confirm(user=analyst_a, job=job)  # its insert waits for the other commit, then is refused
    thread.join(timeout=30)
    assert job.status == ImportStatus.FAILED and job.imported_at is None
    [(row, column, message)] = _errors(job)
    assert (row, column) == (2, "code") and "with this Code already exists." in message
    assert "preview the file again" in message and not any(word in message for word in SQL_WORDS)
    assert Program.objects.filter(code="DOS-2027-0777").count() == 1

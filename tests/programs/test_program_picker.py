"""The program picker: pages with a program field hold only the chosen program (flat
queries and size as programs grow), the search endpoint (results, limit, who may call
it) and the field's errors for bad input."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluations.forms import EvaluationForm, TargetVsActualForm
from evaluations.models import Evaluation
from programs.selectors.programs import PICKER_RESULTS
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ["/evaluations/target-vs-actual/", "/evaluations/target-vs-actual/?program={pk}", "/evaluations/new/"]


def _measure(client, program) -> list[tuple[int, int]]:
    figures = []
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url.format(pk=program.pk))
        assert response.status_code == 200, url
        figures.append((len(queries), len(response.content)))
    return figures


def test_pages_with_a_program_field_stay_flat_as_programs_grow(client, analyst_a, program_a):
    # Given a signed-in analyst and a few programs (a warm-up request first: sessions, caches)
    client.force_login(analyst_a)
    factories.ProgramFactory.create_batch(2)
    _measure(client, program_a)
    few = _measure(client, program_a)
    # When the portfolio grows eightfold
    factories.ProgramFactory.create_batch(21)
    many = _measure(client, program_a)
    # Then each page issues the same queries and its size barely moves (no option per program)
    for url, (queries_few, bytes_few), (queries_many, bytes_many) in zip(PAGES, few, many):
        assert queries_many == queries_few, url
        assert abs(bytes_many - bytes_few) < 200, (url, bytes_few, bytes_many)


def test_the_chosen_program_is_the_only_one_on_the_page(client, analyst_a, program_a):
    other = factories.ProgramFactory()
    client.force_login(analyst_a)
    html = client.get(f"/evaluations/new/?program={program_a.pk}").content.decode()
    assert f'value="{program_a.code}"' in html
    assert f"data-picker-label=\"{program_a.code} — {program_a.title}\"" in html
    assert other.code not in html and "<option value=\"" + str(other.pk) not in html


def test_the_search_finds_programs_by_code_or_title_and_hides_archived_ones(client, analyst_b, django_assert_num_queries):
    # Given programs of several agencies, one archived
    wanted = factories.ProgramFactory(code="DOS-2026-0042", title="Maritime security")
    by_title = factories.ProgramFactory(code="DOD-2026-0007", title="Coastal MARITIME patrols")
    factories.ProgramFactory(code="DOS-2026-0099", title="Judicial reform")
    factories.ProgramFactory(code="DOS-2026-0100", title="Maritime archive", archived_at=timezone.now())
    client.force_login(analyst_b)  # an analyst of another agency reads every program
    # When the picker asks for "maritime", then for part of a code
    with django_assert_num_queries(3):  # the session, the user, the search
        found = client.get("/programs/pick/", {"q": "maritime"}).json()["results"]
    by_code = client.get("/programs/pick/", {"q": "s-2026-004"}).json()["results"]
    # Then code or title match, in any case, by code, archived programs left out
    assert found == [{"value": by_title.code, "label": f"{by_title.code} — {by_title.title}"},
                     {"value": wanted.code, "label": f"{wanted.code} — {wanted.title}"}]
    assert [row["value"] for row in by_code] == [wanted.code]


def test_the_search_answers_at_most_twenty_programs_in_one_search_query(client, analyst_a, django_assert_num_queries):
    factories.ProgramFactory.create_batch(PICKER_RESULTS + 5)
    client.force_login(analyst_a)
    with django_assert_num_queries(3):  # the session, the user, the search
        results = client.get("/programs/pick/", {"q": "border"}).json()["results"]
    assert len(results) == PICKER_RESULTS
    assert [row["value"] for row in results] == sorted(row["value"] for row in results)


def test_a_nul_in_the_search_is_no_error(client, analyst_a, program_a):
    client.force_login(analyst_a)
    response = client.get("/programs/pick/", {"q": "border\x00"})
    assert response.status_code == 200 and response.json()["results"][0]["value"] == program_a.code


def test_the_search_is_for_signed_in_users_only(client, program_a):
    response = client.get("/programs/pick/", {"q": program_a.code})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert program_a.code not in response.content.decode()


@pytest.mark.parametrize("typed, message", [
    ("NOPE-1", "No program has the code “NOPE-1”"),
    ("999999", "No program has the code “999999”"),
    ("x" * 500, "No program has the code"),
    ("DOS\x00-1", "No program has the code"),
])
def test_an_unknown_program_is_a_field_error(typed, message):
    form = TargetVsActualForm({"program": typed})
    assert not form.is_valid()
    assert message in form.errors["program"][0]


def test_an_archived_program_is_a_field_error(client, analyst_a, agency_a):
    archived = factories.ProgramFactory(lead_agency=agency_a, archived_at=timezone.now())
    form = EvaluationForm({"program": archived.code, "evaluation_type": "impact", "title": "t"})
    assert not form.is_valid()
    assert form.errors["program"] == [f"Program {archived.code} is archived: choose a program in use."]
    # and the page says so, without a 500 and without saving anything
    client.force_login(analyst_a)
    response = client.post("/evaluations/new/", {"program": archived.code, "evaluation_type": "impact",
                                                 "title": "Impact", "evaluator": "E", "started_on": "2025-01-01"})
    assert response.status_code == 200
    assert "is archived: choose a program in use." in response.content.decode()
    assert not Evaluation.objects.filter(program=archived).exists()


def test_a_code_in_any_case_or_an_id_chooses_the_program(program_a):
    assert TargetVsActualForm({"program": program_a.code.lower()}).is_valid()
    form = TargetVsActualForm({"program": str(program_a.pk)})  # older links and pinned reports
    assert form.is_valid() and form.cleaned_data["program"] == program_a


def test_a_form_never_reuses_another_forms_lookup(agency_a):
    # Given a code that no program has yet, refused by one form
    assert not TargetVsActualForm({"program": "DOS-2027-0001"}).is_valid()
    # When the program is created, the next form finds it
    factories.ProgramFactory(code="DOS-2027-0001", lead_agency=agency_a)
    assert TargetVsActualForm({"program": "DOS-2027-0001"}).is_valid()


def test_the_approvals_queue_filters_by_a_picked_program_and_lists_no_programs(client, manager, analyst_a, agency_a):
    from tests.programs.test_bulk_decisions import _submitted

    # Given values waiting in two programs
    kept, other = factories.ProgramFactory(lead_agency=agency_a), factories.ProgramFactory(lead_agency=agency_a)
    _submitted(kept, 2, author=analyst_a)
    _submitted(other, 1, author=analyst_a, start=4)
    client.force_login(manager)
    # When the manager picks one program by its code (or by its id, as older links do)
    by_code = client.get("/programs/approvals/", {"program": kept.code.lower()}).content.decode()
    by_id = client.get("/programs/approvals/", {"program": kept.pk}).content.decode()
    # Then only its values are listed, and the filter holds the chosen program, no list of programs
    for html in (by_code, by_id):
        assert html.count('name="ids"') == 2 and f'value="{kept.code}"' in html
        assert f"<option value=\"{other.pk}\"" not in html and "data-picker=" in html
    unknown = client.get("/programs/approvals/", {"program": "NOPE"})
    assert unknown.status_code == 200 and "No program has the code “NOPE”" in unknown.content.decode()

"""Program pages: list (filters, sort, pages, export), detail, create, edit (locking,
rationale, permissions), lifecycle actions, archive/restore and history."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Funding, Goal, Program, ProgramStatus
from tests import factories
from tests.factories import rich_program, rich_programs

pytestmark = pytest.mark.django_db


def _count_queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries), response


def _program_post(**overrides):
    data = {
        "code": "DOS-2026-0100",
        "title": "Coast guard training",
        "description": "",
        "lead_agency": factories.agency("DOS").pk,
        "purpose": "build_capacity",
        "funding_authority": "INCLE",
        "start_fy": "2025",
        "end_fy": "2027",
        "countries": [factories.country("KEN").pk],
        "goals": [Goal.objects.get(code="1.e").pk],
        "sustainment_plan": "",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "1000",
        "funding-0-fiscal_year": "2026",
        "funding-0-planned": "1000.50",
        "funding-0-obligated": "500",
        "funding-0-disbursed": "100",
        "funding-1-fiscal_year": "",
        "funding-1-planned": "",
        "funding-1-obligated": "",
        "funding-1-disbursed": "",
    }
    data.update(overrides)
    return data


# --- List ------------------------------------------------------------------------------


def test_list_query_count_does_not_grow_with_rows(client, analyst_a):
    """Given 3 then 30 programs with funding, MOEs and countries, the list page issues the same number of queries."""
    client.force_login(analyst_a)
    rich_programs(3)
    small, _ = _count_queries(client, reverse("programs:program-list"))
    for i in range(3, 30):
        rich_program(i)
    large, response = _count_queries(client, reverse("programs:program-list"))
    assert small == large
    assert response.content.count(b"RICH-") >= 25  # a full page of rows was rendered


def test_list_filters_sorts_and_paginates(client, analyst_a, agency_b):
    client.force_login(analyst_a)
    rich_programs(30)
    factories.ProgramFactory(code="DOD-X", lead_agency=agency_b, countries=[factories.country("COL")])
    response = client.get(reverse("programs:program-list"), {"country": "COL"})
    assert b"DOD-X" in response.content and b"RICH-0001" not in response.content
    response = client.get(reverse("programs:program-list"), {"ordering": "-code", "page": "2"})
    assert response.status_code == 200
    assert b"Page 2 of 2" in response.content
    response = client.get(reverse("programs:program-list"), {"page": "999"})
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"fiscal_year": "abc"}, {"fiscal_year": "99999"}, {"q": "x" * 5000},
                                    {"page": "-1"}, {"ordering": "nonsense"}, {"updated_since": "tomorrow"}])
def test_list_bad_parameters_never_500(client, analyst_a, params):
    client.force_login(analyst_a)
    factories.ProgramFactory()
    response = client.get(reverse("programs:program-list"), params)
    assert response.status_code == 200


@pytest.mark.parametrize("fmt, content_type", [("csv", "text/csv"), ("xlsx", "spreadsheetml")])
def test_export_applies_current_filters(client, analyst_a, agency_b, fmt, content_type):
    client.force_login(analyst_a)
    rich_program(1)
    factories.ProgramFactory(code="DOD-EXPORT", lead_agency=agency_b, countries=[factories.country("COL")])
    response = client.get(reverse("programs:program-export", args=[fmt]), {"country": "COL"})
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "DOD-EXPORT" in text and "RICH-0001" not in text
        assert text.splitlines()[0].startswith("code,title,lead_agency")
    else:
        import io

        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        codes = [row[0].value for row in sheet.iter_rows(min_row=2)]
        assert codes == ["DOD-EXPORT"]


def test_export_unknown_format_is_404(client, analyst_a):
    client.force_login(analyst_a)
    assert client.get(reverse("programs:program-export", args=["pdf"])).status_code == 404


def test_export_query_count_does_not_grow(client, analyst_a):
    client.force_login(analyst_a)
    rich_programs(3)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("programs:program-export", args=["csv"]))
    for i in range(3, 20):
        rich_program(i)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("programs:program-export", args=["csv"]))
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Detail ----------------------------------------------------------------------------


def test_detail_query_count_does_not_grow_with_related_rows(client, analyst_a):
    client.force_login(analyst_a)
    small_program = rich_program(1)
    small, _ = _count_queries(client, reverse("programs:program-detail", args=[small_program.pk]))
    big = rich_program(2)
    big.countries.set([factories.country(c) for c in ("KEN", "UGA", "TZA", "RWA", "ETH", "SOM")])
    for fy in (2027, 2028):
        factories.FundingFactory(program=big, fiscal_year=fy)
    for _ in range(8):
        moe = factories.MoeFactory(program=big)
        for q in (1, 2, 3, 4):
            factories.TargetFactory(moe=moe, period=f"FY2026-Q{q}")
            factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{q}")
    for _ in range(4):
        big.partner_institutions.add(factories.PartnerInstitutionFactory())
    large, response = _count_queries(client, reverse("programs:program-detail", args=[big.pk]))
    assert small == large
    assert b"Funding by fiscal year" in response.content and b"FY2028" in response.content


def test_detail_shows_everything(client, analyst_a):
    client.force_login(analyst_a)
    program = rich_program(1)
    response = client.get(reverse("programs:program-detail", args=[program.pk]))
    html = response.content.decode()
    for text in ("Kenya", "Uganda", "1.e", "15210", "DOJ", "FY2025", "Officers trained", "FY2026-Q1: 100",
                 "National Police Unit", "No vetting recorded", "Reviews"):
        assert text in html, text


def test_detail_of_missing_program_is_404(client, analyst_a):
    client.force_login(analyst_a)
    assert client.get(reverse("programs:program-detail", args=[999999])).status_code == 404


# --- Create ----------------------------------------------------------------------------


def test_analyst_creates_program_with_funding(client, analyst_a):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-create"), _program_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    program = Program.objects.get(code="DOS-2026-0100")
    assert program.funding.get(fiscal_year=2026).planned == Decimal("1000.50")
    assert program.history.first().history_user == analyst_a


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, b"Title: This field is required."),
        ({"title": "x" * 301}, b"Title: Ensure this value has at most 300 characters"),
        ({"start_fy": "abc"}, b"Start fiscal year: Enter a whole number."),
        ({"start_fy": "1800"}, b"Start fiscal year: Ensure this value is greater than or equal to 1990."),
        # digits other than 0-9 (infrastructure.numbers.foreign_digit_problem), shown as typed and named by their codes
        ({"start_fy": "\u0662\u0660\u0662\u0665"}, "Start fiscal year: Enter a whole number: &#x27;\u0662\u0660\u0662"
                                                  "\u0665&#x27; has the digit U+0662 (arabic-indic digit two) at position 1; "
                                                  "type the number with the digits 0-9.".encode()),
        ({"funding-0-planned": "1,\uff10\uff10\uff10"}, "Planned (USD) (FY2026): Enter a number: &#x27;1,\uff10\uff10"
                                                    "\uff10&#x27; has the digit U+FF10 (fullwidth digit zero) at position 3".encode()),
        ({"end_fy": "2024"}, b"end fiscal year"),
        ({"countries": []}, b"Countries: This field is required."),
        ({"funding-0-planned": "-5"}, b"Planned (USD) (FY2026): Ensure this value is greater than or equal to 0."),
        ({"funding-0-planned": "1" * 30}, b"Planned (USD)"),
        ({"funding-0-fiscal_year": "2040"}, b"FY2040 is outside the program"),
        ({"funding-0-fiscal_year": "3000"}, b"Fiscal year: Ensure this value is less than or equal to 2100."),
        ({"funding-1-fiscal_year": "2026"}, b"FY2026 appears twice"),
        ({"funding-0-fiscal_year": "", "funding-0-planned": "5"}, b"Enter the fiscal year of these amounts."),
        ({"funding-0-obligated": "500", "funding-0-disbursed": "900"},
         b"Disbursed (USD) (FY2026): Disbursed ($900.00) cannot exceed obligated ($500.00)"),
        ({"purpose": "bogus"}, b"Purpose: Select a valid choice."),
        ({"lead_agency": "abc"}, b"Lead agency: Select a valid choice."),
    ],
)
def test_bad_input_names_field_and_saves_nothing(client, analyst_a, overrides, message):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-create"), _program_post(**overrides))
    assert response.status_code == 400
    assert message in response.content, response.content.decode()[:4000]
    assert not Program.objects.exists() and not Funding.objects.exists()


def test_duplicate_code_is_a_field_error(client, analyst_a):
    client.force_login(analyst_a)
    factories.ProgramFactory(code="DOS-2026-0100")
    response = client.post(reverse("programs:program-create"), _program_post())
    assert response.status_code == 400
    assert b"Code: Program with this Code already exists." in response.content


def test_analyst_cannot_create_for_other_agency(client, analyst_b):
    client.force_login(analyst_b)
    response = client.post(reverse("programs:program-create"), _program_post())
    assert response.status_code == 400  # DOS is not among DOD analyst's choices
    assert b"Lead agency: Select a valid choice." in response.content
    assert not Program.objects.exists()


def test_manager_without_agency_gets_403_on_create(client, manager):
    client.force_login(manager)
    assert client.get(reverse("programs:program-create")).status_code == 403


def test_post_without_csrf_token_is_refused(analyst_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-create"), _program_post())
    assert response.status_code == 403
    assert not Program.objects.exists()


# --- Edit ------------------------------------------------------------------------------


def _edit_post(program, **overrides):
    data = _program_post(code=program.code, version=str(program.version), **{"funding-0-fiscal_year": "2026"})
    data.update(overrides)
    return data


def test_edit_other_agency_program_is_403(client, analyst_b, program_a):
    client.force_login(analyst_b)
    assert client.get(reverse("programs:program-edit", args=[program_a.pk])).status_code == 403
    response = client.post(reverse("programs:program-edit", args=[program_a.pk]), _edit_post(program_a, title="Hijack"))
    assert response.status_code == 403
    program_a.refresh_from_db()
    assert program_a.title != "Hijack"


def test_edit_of_approved_program_needs_rationale(client, analyst_a, program_a):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-edit", args=[program_a.pk]), _edit_post(program_a, title="Renamed"))
    assert response.status_code == 400
    assert b"Reason for change: Choose why this approved data is changing." in response.content
    response = client.post(
        reverse("programs:program-edit", args=[program_a.pk]),
        _edit_post(program_a, title="Renamed", rationale_category="scope_change", rationale="New scope"),
    )
    assert response.status_code == 302
    program_a.refresh_from_db()
    assert program_a.title == "Renamed" and program_a.version == 2
    record = program_a.history.first()
    assert record.rationale_category == "scope_change" and record.history_change_reason == "New scope"


def test_stale_edit_is_refused_and_shows_changes(client, analyst_a, program_a):
    client.force_login(analyst_a)
    stale = _edit_post(program_a, title="Second", rationale_category="data_correction", rationale="fix")
    first = client.post(
        reverse("programs:program-edit", args=[program_a.pk]),
        _edit_post(program_a, title="First", rationale_category="data_correction", rationale="fix"),
    )
    assert first.status_code == 302
    response = client.post(reverse("programs:program-edit", args=[program_a.pk]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not saved." in html and "First" in html and "analyst_a" in html
    program_a.refresh_from_db()
    assert program_a.title == "First"


def test_edit_form_renders_with_existing_funding(client, analyst_a):
    client.force_login(analyst_a)
    program = rich_program(1)
    response = client.get(reverse("programs:program-edit", args=[program.pk]))
    assert response.status_code == 200
    assert b'value="2025"' in response.content and b'name="version"' in response.content


# --- Lifecycle, archive, history -----------------------------------------------------------


def test_manager_approves_proposed_program_with_reason(client, manager, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)
    client.force_login(manager)
    url = reverse("programs:program-transition", args=[program.pk])
    response = client.post(url, {"action": "approve", "reason": "", "version": program.version}, follow=True)
    assert b"Reason: This field is required." in response.content
    client.post(url, {"action": "approve", "reason": "Fits the strategy", "version": program.version})
    program.refresh_from_db()
    assert program.status == ProgramStatus.APPROVED
    assert program.history.first().history_change_reason == "approve: Fits the strategy"
    assert program.history.first().history_user == manager


def test_analyst_cannot_approve(client, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-transition", args=[program.pk]),
                           {"action": "approve", "reason": "x", "version": program.version})
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.status == ProgramStatus.PROPOSED


def test_unknown_transition_is_a_message_not_500(client, manager, program_a):
    client.force_login(manager)
    response = client.post(reverse("programs:program-transition", args=[program_a.pk]),
                           {"action": "explode", "reason": "x", "version": program_a.version}, follow=True)
    assert response.status_code == 200
    assert b"Action: Unknown action" in response.content


def test_archive_hides_and_manager_restores(client, analyst_a, manager, program_a):
    client.force_login(analyst_a)
    stale = client.post(reverse("programs:program-archive", args=[program_a.pk]), {"reason": "duplicate"}, follow=True)
    assert "already exists (version 1" in stale.content.decode() and not Program.objects.get(pk=program_a.pk).is_archived
    client.post(reverse("programs:program-archive", args=[program_a.pk]), {"reason": "duplicate", "version": "1"})
    row_link = f'href="{reverse("programs:program-detail", args=[program_a.pk])}"'.encode()
    assert row_link not in client.get(reverse("programs:program-list")).content
    assert row_link in client.get(reverse("programs:program-list"), {"archived": "include"}).content
    assert client.post(reverse("programs:program-restore", args=[program_a.pk])).status_code == 403
    client.force_login(manager)
    client.post(reverse("programs:program-restore", args=[program_a.pk]), {"reason": "not a duplicate", "version": "2"})
    program_a.refresh_from_db()
    assert not program_a.is_archived


@pytest.mark.parametrize("reason", ["", "   "])
def test_archiving_a_program_past_its_proposal_needs_a_reason(client, analyst_a, program_a, reason):
    # given an active, funded program (the trial's /programs/5/)
    factories.FundingFactory(program=program_a)
    client.force_login(analyst_a)
    page = client.get(reverse("programs:program-detail", args=[program_a.pk])).content.decode()
    assert "Reason required: this program is past its proposal." in page
    response = client.post(reverse("programs:program-archive", args=[program_a.pk]),
                           {"reason": reason, "version": str(program_a.version)}, follow=True)
    assert "Not archived. Reason: Say why this active program is archived" in response.content.decode()
    assert not Program.objects.get(pk=program_a.pk).is_archived


def test_archive_reason_is_the_history_why(client, analyst_a, program_a):
    client.force_login(analyst_a)
    client.post(reverse("programs:program-archive", args=[program_a.pk]),
                {"reason": "Funds moved to a successor program", "version": str(program_a.version)})
    program = Program.objects.get(pk=program_a.pk)
    assert program.is_archived
    assert program.history.first().history_change_reason == "archived: Funds moved to a successor program"


def test_history_page_shows_field_diffs_and_rationale(client, analyst_a, program_a):
    client.force_login(analyst_a)
    client.post(
        reverse("programs:program-edit", args=[program_a.pk]),
        _edit_post(program_a, title="Renamed program", rationale_category="scope_change", rationale="Wider scope"),
    )
    response = client.get(reverse("programs:program-history", args=[program_a.pk]))
    html = response.content.decode()
    assert "Renamed program" in html and "Wider scope" in html and "Change of scope" in html
    assert "diff-old" in html


def test_history_query_count_does_not_grow(client, analyst_a, program_a):
    client.force_login(analyst_a)
    url = reverse("programs:program-history", args=[program_a.pk])
    small, _ = _count_queries(client, url)
    for i in range(10):
        program_a.title = f"T{i}"
        program_a.save()
    large, _ = _count_queries(client, url)
    assert small == large


def test_resaving_unchanged_form_changes_nothing(client, analyst_a, agency_a):
    """Given a proposed program with funding, saving its edit form unchanged records no new version."""
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2027)
    factories.FundingFactory(program=program, fiscal_year=2026, planned=Decimal("1000.50"), obligated=Decimal("500"), disbursed=Decimal("100"))
    client.force_login(analyst_a)
    form = client.get(reverse("programs:program-edit", args=[program.pk])).context["form"]
    post = _edit_post(program, title=program.title, code=program.code,
                      goals=[], countries=[factories.country("KEN").pk], funding_authority="")
    post.update({"funding-TOTAL_FORMS": "1", "funding-0-planned": "1000.50", "funding-0-obligated": "500.00", "funding-0-disbursed": "100"})
    assert form.initial["version"] == 1
    assert client.post(reverse("programs:program-edit", args=[program.pk]), post).status_code == 302
    program.refresh_from_db()
    assert program.version == 1 and program.funding.get().version == 1
    post["funding-0-planned"] = "2000"
    client.post(reverse("programs:program-edit", args=[program.pk]), post)
    program.refresh_from_db()
    assert program.version == 2 and program.funding.get().planned == Decimal("2000")

"""Pages of evaluations and reviews: each renders for each role, with flat query counts."""
import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Evaluation, FindingAcknowledgement, Recommendation
from evaluations.services.coordination_findings import findings_current
from evaluations.services.rollups import rollups_recompute
from programs import models as m
from programs.services.reviews import crisis_event_record, planning_cycle_open
from tests import factories

pytestmark = pytest.mark.django_db


def portfolio(size: int, agency) -> None:
    """``size`` programs in Kenya with funding, an MOE with data, an evaluation with an
    overdue recommendation, surge without plan (a coordination finding)."""
    goal = m.Goal.objects.get(code="1.a")
    for _ in range(size):
        program = factories.ProgramFactory(lead_agency=agency, goals=[goal], is_surge=True)
        factories.FundingFactory(program=program)
        moe = factories.MoeFactory(program=program)
        factories.TargetFactory(moe=moe)
        factories.MeasurementFactory(moe=moe)
        evaluation = Evaluation.objects.create(program=program, evaluation_type="impact", title="Impact",
                                               evaluator="GAO", started_on=dt.date(2025, 1, 1))
        Recommendation.objects.create(evaluation=evaluation, text="Do it", owner="INL",
                                      due_on=timezone.localdate() - dt.timedelta(days=1))
    rollups_recompute()


PAGES = [
    ("evaluations:evaluation-list", {}),
    ("evaluations:overdue", {}),
    ("evaluations:priority", {}),
    ("evaluations:coordination", {}),
    ("evaluations:rollups", {}),
    ("evaluations:crisis-list", {}),
    ("dashboards:review-queue", {}),
    ("dashboards:planning-worksheet", {"fy": "2027"}),
]


@pytest.mark.parametrize("name,params", PAGES)
def test_list_pages_keep_the_same_query_count_at_two_sizes(client, manager, agency_a, name, params,
                                                           django_assert_max_num_queries):
    client.force_login(manager)
    portfolio(2, agency_a)
    crisis_event_record(user=manager, country=factories.country("KEN"), title="Floods", occurred_on=dt.date(2026, 1, 1))
    planning_cycle_open(user=manager, fiscal_year=2027)
    url = reverse(name)
    response = client.get(url, params)
    assert response.status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    portfolio(6, agency_a)
    crisis_event_record(user=manager, country=factories.country("KEN"), title="Floods 2", occurred_on=dt.date(2026, 2, 1))
    planning_cycle_open(user=manager, fiscal_year=2027)
    findings_current()  # the stored coordination findings rebuilt for the new data (their own flat count: test_coordination_stored)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_target_vs_actual_page_and_xlsx_export(client, analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a, name="Officers trained")
    factories.TargetFactory(moe=moe, period="FY2026-Q1", value=D(100))
    factories.TargetFactory(moe=moe, period="FY2026-Q2", value=D(100))
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=D(50))
    rollups_recompute()
    client.force_login(analyst_a)
    url = reverse("evaluations:target-vs-actual")
    page = client.get(url, {"program": program_a.pk}).content.decode()
    assert "Officers trained" in page and "50.0%" in page and "off track" in page
    response = client.get(url, {"program": program_a.pk, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["IPTT"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Group")
    assert rows[header][:3] == ("Group", "Program", "MOE")
    assert [v for v in rows[header] if v and v.startswith("FY")] == ["FY2026-Q1", "FY2026-Q2"]
    assert rows[header + 2][2] == "Officers trained"
    country = client.get(url, {"country": factories.country("KEN").pk}).content.decode()
    assert "Officers trained" in country


def test_recording_an_evaluation_through_the_page_reports_field_errors(client, analyst_a, program_a):
    client.force_login(analyst_a)
    url = reverse("evaluations:evaluation-create")
    response = client.post(url, {"program": program_a.pk, "evaluation_type": "impact", "title": "T",
                                 "evaluator": "GAO", "started_on": "2025-05-01", "completed_on": "2025-01-01",
                                 "documents": "Report | not-a-link"})
    assert response.status_code == 200
    assert "not a web link" in response.content.decode()
    response = client.post(url, {"program": program_a.pk, "evaluation_type": "impact", "title": "T",
                                 "evaluator": "GAO", "started_on": "2025-05-01", "completed_on": "2025-01-01"})
    assert response.status_code == 200 and not Evaluation.objects.exists()
    # the completion date before the start is the completion date's error, in words
    assert response.context["form"].errors["completed_on"] == [
        "The completion date cannot be before the start date (May 1, 2025)."]
    assert "Constraint" not in response.content.decode()
    response = client.post(url, {"program": program_a.pk, "evaluation_type": "impact", "title": "Impact eval",
                                 "evaluator": "GAO", "started_on": "2025-01-01", "is_independent": "on",
                                 "documents": "Report | https://example.gov/r.pdf"})
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and evaluation.documents.count() == 1


def test_acknowledging_a_finding_from_the_page_hides_it(client, manager, agency_a):
    factories.ProgramFactory(lead_agency=agency_a, is_surge=True)
    client.force_login(manager)
    page = client.get(reverse("evaluations:coordination")).content.decode()
    assert "has no long-term objective and no sustainment plan" in page
    from evaluations.selectors.coordination import surge_without_long_term_link

    fingerprint = surge_without_long_term_link()[0].fingerprint
    client.post(reverse("evaluations:acknowledge"), {"check_name": "surge", "fingerprint": fingerprint, "note": "ok"})
    assert FindingAcknowledgement.objects.filter(fingerprint=fingerprint).exists()
    assert "has no long-term objective" not in client.get(reverse("evaluations:coordination")).content.decode()


def test_analysts_see_the_review_queue_but_cannot_decide(client, analyst_a, manager, program_a):
    review = m.ProgramReview.objects.create(program=program_a, out_of_cycle=True)
    client.force_login(analyst_a)
    page = client.get(reverse("dashboards:review-queue")).content.decode()
    assert program_a.code in page and "Pending a manager" in page
    client.post(reverse("dashboards:review-queue"), {"review": review.pk, "decision": "terminate", "rationale": "x"})
    review.refresh_from_db()
    assert review.is_pending


def test_paging_the_evaluation_list_keeps_its_filter(client, manager, agency_a):
    # Given more impact evaluations than fit on a page, and one process evaluation
    program = factories.ProgramFactory(lead_agency=agency_a)
    for index in range(30):
        Evaluation.objects.create(program=program, evaluation_type="impact", title=f"Impact {index}",
                                  evaluator="GAO", started_on=dt.date(2025, 1, 1) + dt.timedelta(days=index))
    Evaluation.objects.create(program=program, evaluation_type="process", title="Process review", evaluator="OIG",
                              started_on=dt.date(2026, 1, 1))
    client.force_login(manager)
    # When a manager filters by type and follows the link to the next page
    first = client.get(reverse("evaluations:evaluation-list"), {"type": "impact"}).content.decode()
    assert 'href="?type=impact&amp;page=2"' in first
    second = client.get(reverse("evaluations:evaluation-list"), {"type": "impact", "page": "2"}).content.decode()
    # Then the second page is still of impact evaluations only
    assert "Page 2 of 2" in second and "Impact 0" in second and "Process review" not in second


def test_a_follow_up_posted_with_a_stale_or_no_version_is_refused_with_a_message(client, analyst_a, program_a):
    evaluation = Evaluation.objects.create(program=program_a, evaluation_type="impact", title="Impact",
                                           evaluator="GAO", started_on=dt.date(2025, 1, 1))
    recommendation = Recommendation.objects.create(evaluation=evaluation, text="Vet units", owner="INL",
                                                   due_on=dt.date(2027, 3, 1))
    client.force_login(analyst_a)
    detail = client.get(reverse("evaluations:evaluation-detail", args=[evaluation.pk])).content.decode()
    assert 'name="version" value="1"' in detail
    url = reverse("evaluations:recommendation-follow-up", args=[recommendation.pk])
    client.post(url, {"status": "in_progress", "note": "Started", "version": "1"})
    for version in ("1", ""):  # the form read before that save, and a form without its version
        page = client.post(url, {"status": "not_accepted", "note": "No", "version": version}, follow=True)
        assert "Not saved" in page.content.decode() or "Nothing was saved" in page.content.decode()
    recommendation.refresh_from_db()
    assert (recommendation.follow_up_status, recommendation.version) == ("in_progress", 2)

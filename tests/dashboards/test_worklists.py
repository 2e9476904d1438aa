"""The home page is the user's queue by role: each list holds the right items, links to
where they are dealt with, and the page costs the same queries as data grows."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.selectors.worklists import work_lists
from notifications.models import ReportingPolicy
from programs.models import MeasurementStatus, ProgramStatus
from programs.services.measures import measurement_return, measurements_submit
from tests import factories

pytestmark = pytest.mark.django_db


def _lists(user, **kwargs):
    return {wl.key: wl for role in work_lists(user, **kwargs).values() for wl in role}


def test_an_analyst_sees_drafts_returned_values_with_reason_and_reporting_due(analyst_a, manager, agency_a):
    program_a = factories.ProgramFactory(lead_agency=agency_a, start_fy=2026)
    moe = factories.MoeFactory(program=program_a)
    draft = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.DRAFT, entered_by=analyst_a)
    sent = factories.MeasurementFactory(moe=moe, period="FY2026-Q2", status=MeasurementStatus.DRAFT, entered_by=analyst_a)
    measurements_submit(user=analyst_a, measurements=[sent])
    sent.refresh_from_db()
    measurement_return(user=manager, measurement=sent, reason="Source missing", version=sent.version)

    lists = _lists(analyst_a, today=dt.date(2026, 9, 1))

    assert lists["drafts"].count == 1
    assert lists["drafts"].rows[0]["url"] == reverse("programs:measurement-grid", args=[program_a.pk]) + "?fy=2026"
    assert f"{moe.name} · FY2026-Q1" in lists["drafts"].rows[0]["label"]
    assert lists["returned"].rows[0]["detail"] == "Reason: Source missing"
    # Q1 (draft) is still owed; Q2 was submitted (returned since: listed above, not
    # overdue); Q3 ended 30 June: overdue after 30 days.
    owed = {row["label"].rsplit(" · ", 1)[1]: row["tag"] for row in lists["reporting"].rows}
    assert owed == {"FY2026-Q1": "Overdue", "FY2026-Q3": "Overdue"}
    assert lists["reporting"].title == "Reporting due and overdue (2 overdue)"
    ReportingPolicy.objects.update_or_create(pk=1, defaults={"grace_days": 90})
    owed = {row["label"].rsplit(" · ", 1)[1]: row["tag"] for row in _lists(analyst_a, today=dt.date(2026, 9, 1))["reporting"].rows}
    assert owed["FY2026-Q3"] == "Due"
    assert draft.pk  # the draft stays a draft: listed, not reported


def test_an_analyst_sees_their_own_proposals_only(analyst_a, agency_a):
    proposed = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)
    # The first history row names who proposed it.
    proposed.history.filter(history_type="+").update(history_user=analyst_a)
    factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)  # someone else's
    lists = _lists(analyst_a)
    assert lists["my-proposals"].count == 1
    assert lists["my-proposals"].rows[0]["url"] == reverse("programs:program-detail", args=[proposed.pk])


def test_a_manager_sees_pending_values_grouped_with_counts(manager, analyst_a, agency_b):
    kenya = factories.ProgramFactory(countries=[factories.country("KEN")])
    defense = factories.ProgramFactory(lead_agency=agency_b, countries=[factories.country("UGA"), factories.country("KEN")])
    for program, n in ((kenya, 3), (defense, 2)):
        moe = factories.MoeFactory(program=program)
        for q in range(1, n + 1):
            factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{q}", status=MeasurementStatus.SUBMITTED)
    factories.ProgramFactory(status=ProgramStatus.PROPOSED)

    lists = _lists(manager)

    assert [(r["label"].split()[0], r["count"]) for r in lists["pending-program"].rows] == [(kenya.code, 3), (defense.code, 2)]
    assert [(r["label"], r["count"]) for r in lists["pending-country"].rows] == [("Kenya", 5), ("Uganda", 2)]
    assert [(r["label"], r["count"]) for r in lists["pending-agency"].rows] == [("DOS", 3), ("DOD", 2)]
    assert lists["pending-country"].rows[1]["url"] == reverse("programs:approvals") + "?country=UGA"
    # Each list counts what its heading names: 2 programs, 2 countries, 2 agencies (not 5 values).
    assert {key: (lists[key].title, lists[key].count) for key in ("pending-program", "pending-country", "pending-agency")} == {
        "pending-program": ("Programs with values awaiting approval", 2),
        "pending-country": ("Countries with values awaiting approval", 2),
        "pending-agency": ("Agencies with values awaiting approval", 2),
    }
    assert lists["proposals"].count == 1
    assert "analyst" not in work_lists(manager)


def test_a_manager_sees_crisis_reviews_and_overdue_recommendations(manager):
    from evaluations.models import Evaluation, Recommendation

    program = factories.ProgramFactory(status=ProgramStatus.UNDER_REVIEW)
    crisis = factories.crisis("KEN")
    review = factories.review(program)
    review.crisis = crisis
    review.save()
    evaluation = Evaluation.objects.create(program=program, evaluation_type="performance", title="Mid-term",
                                           evaluator="GAO", started_on=dt.date(2025, 1, 1))
    Recommendation.objects.create(evaluation=evaluation, text="Train trainers", owner="AF/SP", due_on=dt.date(2025, 6, 1))
    lists = _lists(manager)
    assert lists["crisis"].count == 1 and crisis.title in lists["crisis"].rows[0]["detail"]
    assert lists["recommendations"].rows[0]["url"].startswith(reverse("evaluations:evaluation-detail", args=[evaluation.pk]))


def test_the_home_page_says_what_each_grouped_count_counts(client, manager):
    program = factories.ProgramFactory(countries=[factories.country("KEN")])
    moe = factories.MoeFactory(program=program)
    for q in (1, 2, 3):
        factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{q}", status=MeasurementStatus.SUBMITTED)
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    card = page[page.index('id="pending-country"'):]
    card = card[:card.index("usa-card__footer")]
    assert re.search(r'Countries with values awaiting approval <span class="usa-tag">1</span>', card)
    assert re.search(r'>Kenya</a> <span class="usa-tag">3 values</span>', card)


def test_the_home_page_counts_countries_with_programs_not_every_iso_country(client, manager):
    factories.ProgramFactory(countries=[factories.country("KEN"), factories.country("UGA")])
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    assert re.search(r'tile-figure">2</span>\s*<span class="tile-label">countries with programs', page), re.findall(r"tile-figure.{0,80}", page)
    assert 'id="pending-program"' in page and "Waiting for me as a manager" in page


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries)


def _grow(analyst, n: int) -> None:
    for i in range(n):
        program = factories.ProgramFactory(lead_agency=analyst.agency, status=ProgramStatus.PROPOSED if i % 3 == 0 else ProgramStatus.ACTIVE)
        program.history.filter(history_type="+").update(history_user=analyst)
        moe = factories.MoeFactory(program=program)
        for q, status in zip((1, 2, 3), ("draft", "submitted", "returned")):
            factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{q}", status=status, entered_by=analyst,
                                         value=Decimal(q), return_reason="fix" if status == "returned" else "")


@pytest.mark.parametrize("role", ["analyst", "manager"])
def test_the_home_page_costs_the_same_queries_for_ten_times_the_data(client, analyst_a, manager, role):
    client.force_login(analyst_a if role == "analyst" else manager)
    _grow(analyst_a, 2)
    _home_queries(client)  # the stored coordination findings' first build (whole)
    _grow(analyst_a, 2)
    small = _home_queries(client)  # programs added: their reach rebuilt, as below
    _grow(analyst_a, 20)
    assert _home_queries(client) == small


def test_an_analyst_sees_open_findings_on_their_agencys_programs_only(analyst_a, agency_a, agency_b):
    mine = factories.ProgramFactory(lead_agency=agency_a, is_surge=True)
    factories.ProgramFactory(lead_agency=agency_b, is_surge=True, countries=[factories.country("MLI")])
    findings = _lists(analyst_a)["findings"]
    assert findings.count == 1
    assert mine.code in findings.rows[0]["label"]
    assert findings.rows[0]["url"] == reverse("evaluations:coordination") + "?kind=surge&agency=DOS"


def test_the_approvals_count_links_to_the_queue_only_for_those_who_may_open_it(client, analyst_a, manager):
    """An analyst sees how many values await approval but gets no link to the managers'
    queue (it answers 403 to them); a manager gets the link."""
    queue = reverse("programs:approvals")
    client.force_login(analyst_a)
    page = client.get(reverse("home")).content.decode()
    assert "values awaiting approval" in page and f'href="{queue}"' not in page
    client.force_login(manager)
    assert f'href="{queue}"' in client.get(reverse("home")).content.decode()


def test_every_analyst_card_links_to_the_page_of_its_whole_list(client, analyst_a, agency_a):
    """Given more drafts, returned values, owed periods and proposals than a card shows,
    each card links to a page that lists them all (and the reporting card's count agrees)."""
    _grow(analyst_a, 12)  # 12 drafts, 12 returned, 4 proposals; every running MOE owes FY2026-Q4
    lists = _lists(analyst_a, today=dt.date(2026, 12, 1))
    assert {key: lists[key].more_url for key in ("drafts", "returned", "reporting", "my-proposals", "findings")} == {
        "drafts": reverse("dashboards:worklist", args=["drafts"]),
        "returned": reverse("dashboards:worklist", args=["returned"]),
        "reporting": reverse("dashboards:worklist", args=["reporting"]),
        "my-proposals": reverse("dashboards:worklist", args=["my-proposals"]),
        "findings": reverse("evaluations:coordination") + "?agency=DOS",
    }
    client.force_login(analyst_a)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("dashboards:worklist", args=["returned"])}"' in home
    for key, count in (("drafts", 12), ("returned", 12), ("my-proposals", 4)):
        assert lists[key].count == count and len(lists[key].rows) == min(count, 10)
        page = client.get(reverse("dashboards:worklist", args=[key])).content.decode()
        assert page.count('class="usa-collection__item"') == count, key
        assert f'data-count="{count}"' in page
    reporting = client.get(reverse("dashboards:worklist", args=["reporting"])).content.decode()
    owed = _lists(analyst_a)["reporting"].count
    assert owed > 10 and reporting.count('class="usa-collection__item"') == owed


def test_the_whole_list_pages_are_the_analysts_own_and_cost_the_same_queries(client, analyst_a, manager):
    client.force_login(manager)
    assert client.get(reverse("dashboards:worklist", args=["drafts"])).status_code == 404
    client.force_login(analyst_a)
    assert client.get(reverse("dashboards:worklist", args=["no-such-list"])).status_code == 404
    url = reverse("dashboards:worklist", args=["drafts"])
    _grow(analyst_a, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(analyst_a, 20)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert len(large) == len(small) and page.count('class="usa-collection__item"') == 22


def _list_reads(client, key: str, page: int) -> tuple[list[str], str]:
    """The statements that read the whole list ``key`` on its page ``page``, and the page."""
    marker = "WITH periods" if key == "reporting" else '"programs_measurement"."entered_by_id"'
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("dashboards:worklist", args=[key]) + f"?page={page}").content.decode()
    return [q["sql"] for q in queries if marker in q["sql"]], html


def test_a_page_of_a_whole_list_reads_its_rows_and_count_in_one_statement(client, analyst_a):
    """Each page of a whole list is one statement: its rows carry the list's count
    (COUNT(*) OVER ()), with no COUNT before them and no home card's head; only a page
    number past the end reads a second time (the first page, which it then shows)."""
    from notifications.reporting import OVERDUE, reporting_rows
    from django.utils import timezone

    client.force_login(analyst_a)
    _grow(analyst_a, 55)  # 55 drafts: pages of 50
    item = 'class="usa-collection__item"'
    for page, shown in ((1, 50), (2, 5)):
        reads, html = _list_reads(client, "drafts", page)
        assert len(reads) == 1 and "OVER ()" in reads[0]
        assert html.count(item) == shown and 'data-count="55"' in html and f"Page {page} of 2" in html
    reads, html = _list_reads(client, "drafts", 9)
    assert len(reads) == 2 and "Page 1 of 2" in html and html.count(item) == 50

    owed = reporting_rows(agency_id=analyst_a.agency_id, today=timezone.localdate(),
                          grace_days=ReportingPolicy.current().grace_days)
    overdue = sum(r.state == OVERDUE for r in owed)
    reads, html = _list_reads(client, "reporting", 1)
    assert len(reads) == 1 and owed
    assert html.count(item) == min(len(owed), 50) and f'data-count="{len(owed)}"' in html
    assert f"Reporting due and overdue ({overdue} overdue)</h1>" in html


def test_each_home_card_reads_its_rows_and_count_in_one_statement(client, analyst_a):
    client.force_login(analyst_a)
    _grow(analyst_a, 12)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    drafts = [q["sql"] for q in queries if '"programs_measurement"."entered_by_id"' in q["sql"]]
    assert len(drafts) == 2 and all("OVER ()" in sql for sql in drafts)  # drafts, returned values
    assert len([q for q in queries if "WITH periods" in q["sql"]]) == 1

"""The PDF briefs: rendered through the page a manager clicks, their text extracted with
pypdf and checked against the dashboards' selectors (one definition of each figure),
with the administrators' footer, page numbers and dates on every page."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dashboards.selectors.country import country_dashboard
from dashboards.selectors.overview import portfolio_dashboard
from dashboards.tables.columns import figure_html, money_text, percent_text, score_text
from dashboards.views.countries import country_page
from dashboards.views.portfolio import portfolio_page
from evaluations.services.evaluations import evaluation_create
from programs.fiscal import current_fiscal_year
from programs.models import RUNNING_STATUSES, Program, ProgramReview, ReviewDecision
from programs.permissions import ADMINISTRATOR
from reports.models import DEFAULT_FOOTER, BriefSettings
from reports.selectors.briefs import AccountFunding, UndecidedReviews, footer_text, funding_by_account, undecided_reviews
from programs.services.reviews import review_decide
from reports.tables.briefs import FundingByAccountTable, capped, keep_columns, reviews_missing
from tests import factories
from tests.factories.dashboards import portfolio_build
from tests.security.signin import sign_in

pytestmark = pytest.mark.django_db


def _pdf_pages(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_country_brief_holds_the_dashboards_figures(client, manager):
    # Given a portfolio summarised by the real recomputes, and a footer set by administrators
    portfolio_build()
    BriefSettings.objects.update_or_create(pk=1, defaults={
        "footer_text": "CONTROLLED UNCLASSIFIED INFORMATION // TEST CAVEAT"})
    kenya = factories.country("KEN")
    # When a manager clicks the brief button of Kenya's dashboard
    client.force_login(manager)
    page = client.get(reverse("dashboards:country", kwargs={"iso3": "KEN"})).content.decode()
    assert reverse("reports:country-brief", kwargs={"iso3": "KEN"}) in page
    pages = _pdf_pages(client.get(reverse("reports:country-brief", kwargs={"iso3": "KEN"})))
    text = " ".join(pages)
    # Then its figures are the country dashboard's
    dashboard = country_page(country_dashboard(country=kenya, programs_limit=None))
    score = dashboard.extra["score"]
    assert f"Selectivity score {score_text(score.score)} / 100" in text
    assert f"Band {score.get_band_display()}" in text
    assert f"Priority tier Tier {kenya.priority_tier}" in text
    assert percent_text(dashboard.extra["rollup_percent"]) in text
    totals = dashboard.extra["funding_totals"]
    assert (f"{money_text(totals['planned'])} planned · {money_text(totals['obligated'])} obligated · "
            f"{money_text(totals['disbursed'])} disbursed") in text
    for part in dashboard.extra["score_parts"]:
        assert part["label"] in text
    running = [row for row in dashboard.tables["programs"].rows if row.record.status in RUNNING_STATUSES]
    assert running
    for row in running:
        assert row.record.code in text  # the program code
        assert str(row.get_cell("achievement")) in text  # its achievement, as the dashboard shows it
    for fy_row in dashboard.tables["funding-by-fy-agency"].rows:
        assert str(fy_row.get_cell("obligated")) in text  # obligated by fiscal year and agency
    for flag in dashboard.flags:
        assert re.search(rf"{re.escape(flag['label'])} {flag['count']} ", text), flag["label"]
    accounts = funding_by_account([kenya.id])
    assert accounts.rows
    assert sum(row["total"] for row in accounts.rows) == totals["obligated"]  # every obligation, once
    for row in accounts.rows:
        assert f"{row['account']} " in text and money_text(row["total"]) in text
    assert "Obligated funding by account and fiscal year" in text and "Map of AF" in text
    # and every page carries the footer, its number and the brief's date
    for number, page_text in enumerate(pages, start=1):
        assert "CONTROLLED UNCLASSIFIED INFORMATION // TEST CAVEAT" in page_text
        assert f"Page {number} of {len(pages)}" in page_text
        assert "Country brief: Kenya · generated" in page_text
    assert "Computed at" in text


def test_portfolio_brief_holds_the_portfolio_dashboards_figures(client, manager):
    portfolio_build()
    client.force_login(manager)
    pages = _pdf_pages(client.get(reverse("reports:portfolio-brief")))
    text = " ".join(pages)
    dashboard = portfolio_page(portfolio_dashboard())
    for total in dashboard.totals:
        assert f"{total['label'].capitalize()} {figure_html(total['value'], total['kind'])}" in text, total["label"]
    assert dashboard.tables["funding-by-region"].rows
    for row in dashboard.tables["funding-by-region"].rows:
        assert str(row.get_cell("obligated")) in text  # obligated by region
    assert "World map: Selectivity band" in text
    assert all(footer_text()[:40] in page for page in pages)
    assert "Page 1 of" in pages[0]


def test_a_repeat_click_is_served_from_the_store_and_a_changed_brief_is_made_again(
        client, manager, django_assert_max_num_queries):
    # Given a portfolio and a manager who has opened Kenya's brief once
    portfolio_build()
    kenya = factories.country("KEN")
    program = Program.objects.filter(countries=kenya, status__in=RUNNING_STATUSES, archived_at__isnull=True).first()
    review = factories.review(program)
    client.force_login(manager)
    url = reverse("reports:country-brief", kwargs={"iso3": "KEN"})
    first = client.get(url)
    # When the manager clicks again with nothing changed
    with django_assert_max_num_queries(6):  # session, user, the fingerprint (2), the stored brief
        again = client.get(url)
    # Then the same PDF comes from the store, not laid out again
    assert again.content == first.content and again["Content-Disposition"] == first["Content-Disposition"]
    # When a review of one of its programs is decided (the program itself does not change)
    review_decide(user=manager, review=review, decision=ReviewDecision.CONTINUE,
                  rationale="Stays on course: targets met")
    # Then the next click makes the brief again, with the decision
    text = " ".join(_pdf_pages(client.get(url)))
    assert "Stays on course: targets met" in text
    # and likewise for a new evaluation and for a new footer
    evaluation_create(user=manager, program=program, data={
        "evaluation_type": "performance", "title": "Mid-term review of the border unit", "evaluator": "GAO",
        "started_on": dt.date(2026, 1, 5)})
    assert "Mid-term review of the border unit" in " ".join(_pdf_pages(client.get(url)))
    BriefSettings.objects.update_or_create(pk=1, defaults={"footer_text": "NEW CAVEAT SET TODAY"})
    assert all("NEW CAVEAT SET TODAY" in page for page in _pdf_pages(client.get(url)))


def test_brief_of_an_unknown_country_is_a_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("reports:country-brief", kwargs={"iso3": "ZZZ"})).status_code == 404


def test_administrators_set_the_footer_in_the_admin_with_its_history(client):
    root = factories.UserFactory(username="brief_root", role=ADMINISTRATOR, is_staff=True, is_superuser=True)
    sign_in(client, root)
    # the migration makes the row; a flush by an earlier transactional test removes it
    if not BriefSettings.objects.exists():
        response = client.post(reverse("admin:reports_briefsettings_add"), {"footer_text": DEFAULT_FOOTER})
        assert response.status_code == 302 and BriefSettings.objects.get().pk == 1
    url = reverse("admin:reports_briefsettings_change", args=[1])
    assert client.get(url).status_code == 200
    response = client.post(url, {"footer_text": "FOR OFFICIAL USE ONLY (FOUO)"})
    assert response.status_code == 302
    assert BriefSettings.objects.get(pk=1).footer_text == "FOR OFFICIAL USE ONLY (FOUO)"
    assert BriefSettings.history.filter(history_user=root).exists()
    # one row: no second one, no delete
    assert client.get(reverse("admin:reports_briefsettings_add")).status_code == 403
    assert client.post(reverse("admin:reports_briefsettings_delete", args=[1]), {"post": "yes"}).status_code == 403


def test_a_brief_shortens_a_table_without_changing_a_figure():
    # Given funding by account over two fiscal years, three accounts
    funding = AccountFunding(years=[2025, 2026], rows=[
        {"account": f"Account {n}", "fy2025": Decimal(100 * n), "fy2026": Decimal(10 * n), "total": Decimal(110 * n)}
        for n in (1, 2, 3)])
    table = FundingByAccountTable(funding)
    assert table.headers == ["Account", "FY2025 (USD)", "FY2026 (USD)", "Total (USD)"]
    full = [[str(cell) for _, cell in row.items()] for row in table.rows]
    assert full[1] == ["Account 2", "$200", "$20", "$220"]
    # When the brief keeps the first two rows and two columns
    capped(keep_columns(table, ("account", "total")), 2, "accounts")
    # Then the rows shown are the first two, with the same figures, and the note says so
    assert table.headers == ["Account", "Total (USD)"]
    assert [[str(cell) for _, cell in row.items()] for row in table.paginated_rows] == [
        ["Account 1", "$110"], ["Account 2", "$220"]]
    assert table.note.endswith("First 2 of 3 accounts; the dashboard and its download have them all.")
    # and a table that fits is left whole
    short = capped(FundingByAccountTable(funding), 3)
    assert len(list(short.paginated_rows)) == 3 and "First" not in short.note


def _links(response) -> list[str]:
    reader = PdfReader(io.BytesIO(response.content))
    return [annotation.get_object()["/A"]["/URI"] for page in reader.pages for annotation in page.get("/Annots", [])
            if "/URI" in annotation.get_object().get("/A", {})]


def test_with_no_review_decided_the_brief_says_what_waits_and_links_where_to_act(client, manager):
    # Given Kenya with a running program whose cycle review waits, and one opened by a crisis
    program = factories.ProgramFactory(countries=[factories.country("KEN")])
    factories.review(program)
    crisis = factories.crisis("KEN")
    ProgramReview.objects.create(program=program, out_of_cycle=True, crisis=crisis)
    client.force_login(manager)
    # When a manager prints Kenya's brief
    response = client.get(reverse("reports:country-brief", kwargs={"iso3": "KEN"}))
    text = " ".join(_pdf_pages(response))
    # Then the empty review section says what waits and links to the review queue
    assert ("Recent review decisions No review of a program in Kenya has been decided yet: 2 reviews of its programs "
            "wait for a manager's decision (1 opened by a crisis). Decide them in the review queue.") in text
    assert any(link.endswith(reverse("dashboards:review-queue")) for link in _links(response))
    # And a country with no review at all points to the planning worksheet of this fiscal year
    factories.ProgramFactory(countries=[factories.country("UGA")])
    response = client.get(reverse("reports:country-brief", kwargs={"iso3": "UGA"}))
    fiscal_year = current_fiscal_year()
    assert ("No program in Uganda has been reviewed yet: a review opens with the annual planning cycle or with a "
            f"crisis event on the country. Open the FY{fiscal_year} cycle on the planning worksheet.") in " ".join(_pdf_pages(response))
    assert any(link.endswith(reverse("dashboards:planning-worksheet") + f"?fy={fiscal_year}") for link in _links(response))


def test_the_missing_reviews_sentence_counts_only_undecided_reviews_of_programs_not_archived(manager):
    kenya = factories.country("KEN")
    running, archived = (factories.ProgramFactory(countries=[kenya]) for _ in range(2))
    decided = factories.review(running)
    review_decide(user=manager, review=decided, decision=ReviewDecision.CONTINUE, rationale="On course")
    ProgramReview.objects.create(program=running, out_of_cycle=True, crisis=factories.crisis("KEN"))
    factories.review(archived)
    Program.objects.filter(pk=archived.pk).update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert undecided_reviews(kenya) == UndecidedReviews(count=1, after_crisis=1)
    sentence, action = reviews_missing("Kenya", UndecidedReviews(1, 0), 2027)
    assert sentence == "No review of a program in Kenya has been decided yet: 1 review of its programs waits for a manager's decision."
    assert action == {"text": "Decide them in the review queue", "url": reverse("dashboards:review-queue")}

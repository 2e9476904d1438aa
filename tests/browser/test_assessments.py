"""A manager approves an assessment in the browser and sees the country's score change."""
import datetime as dt
import time

import pytest

from programs.models import Country
from tests import factories
from tests.factories import assessments as af
from tests.conftest import screenshot

from assessments.services import selectivity_recompute

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_approves_an_assessment_and_sees_the_score_and_explanation_change(
    new_page, celery_worker_process, manager, analyst_a
):
    # Given Kenya at tier 2, achievement 0.5 and an approved assessment scoring 2 everywhere:
    # 0.4 * 75 + 0.4 * 25 + 0.2 * 50 = 50.00, band sustain, capped at review by framework v2
    # (the human-rights criterion at 2)
    af.framework_v2()
    kenya = factories.country("KEN")
    other_manager = factories.ManagerFactory(username="manager_2")
    Country.objects.filter(pk=kenya.pk).update(priority_tier=2)
    af.rollup(kenya, 0.5)
    af.assessment(country=kenya, author=analyst_a, approver=other_manager, score=2, assessed_on=dt.date(2025, 12, 1))
    selectivity_recompute()
    # And a newer submitted assessment scoring 5 everywhere, with a human-rights concern (2)
    submitted = af.assessment(
        country=kenya, author=analyst_a, score=5, status="submitted", assessed_on=dt.date(2026, 9, 1),
        scores={"governance_human_rights": 2},
    )
    page = new_page(manager)
    page.goto("/assessments/selectivity/KEN/")
    assert page.locator("#selectivity-score").inner_text() == "50.00"
    assert page.locator("#selectivity-band").inner_text() == "Review"
    assert page.locator("#selectivity-band-uncapped").inner_text() == "(the score alone gives sustain)"
    assert "Dec 1, 2025" in page.locator("#selectivity-explanation").inner_text()

    # When the manager opens the submitted assessment and approves it
    page.goto(f"/assessments/{submitted.pk}/")
    page.click("#approve-assessment")
    page.wait_for_url(f"**/assessments/{submitted.pk}/")
    assert page.locator("#assessment-status").inner_text() == "Approved"

    # Then, once the worker has recomputed, the country page shows the new score and why:
    # C = (6 * 100 + 25) / 7 = 89.29; 0.4 * 75 + 0.4 * 89.29 + 0.2 * 50 = 75.72, band invest,
    # capped at review: the human-rights criterion is still at 2
    deadline = time.monotonic() + 30
    while True:
        page.goto("/assessments/selectivity/KEN/")
        if page.locator("#selectivity-score").inner_text() != "50.00" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert page.locator("#selectivity-score").inner_text() == "75.72"
    assert page.locator("#selectivity-band").inner_text() == "Review"
    assert page.locator("#selectivity-band-uncapped").inner_text() == "(the score alone gives invest)"
    assert "Governance / human-rights criterion at 2 or below: at most review." in page.locator(
        "#selectivity-caps").inner_text()
    explanation = page.locator("#selectivity-explanation").inner_text()
    assert "Assessment of Sep 1, 2026" in explanation and "89.29" in explanation
    assert "Human-rights concern" in page.locator("#selectivity-flags").inner_text()
    assert page.locator("#selectivity-history tbody tr").count() == 2
    page.wait_for_selector("#chart-score-trend[data-drawn='true']")  # the shared charts.js drew it
    assert page.evaluate("() => Chart.getChart(document.getElementById('chart-score-trend')).data.datasets[0].stepped")
    screenshot(page, "assessments-country-selectivity")

    # And the ranking lists Kenya in the review band, capped from invest
    page.goto("/assessments/selectivity/?band=review")
    assert "Kenya" in page.locator("#ranking").inner_text()
    assert "(capped from invest)" in page.locator("#ranking").inner_text()
    screenshot(page, "assessments-ranking")

    # And the manager switches the ranking to the raw score, complete scores only
    page.goto("/assessments/selectivity/")
    page.select_option("#id_rank", "score")
    page.check("#id_complete")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/assessments/selectivity/?*")
    assert "rank=score" in page.url and "complete=true" in page.url
    assert "Ranked by the raw score" in page.locator("#ranking-rule").inner_text()
    assert "Kenya" in page.locator("#ranking").inner_text()

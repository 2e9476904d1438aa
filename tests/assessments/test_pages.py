"""The assessments pages: each page per role, bad input, exports, flat query counts."""
import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import AssessmentStatus, CountryAssessment, SelectivityScore
from assessments.services import selectivity_recompute
from programs.models import Country, CountryPriorityTier
from tests import factories

from tests.factories import assessments as af

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture
def framework():
    return af.framework_v1()


@pytest.fixture
def kenya():
    return factories.country("KEN")


def _post_data(framework, country=None, score=4, **overrides):
    data = {"assessed_on": "2026-06-01", "summary": "Annual review", "evidence_links": "https://example.org/a"}
    if country is not None:
        data["country"] = country.pk
    for criterion in framework.criteria.all():
        data[f"{criterion.code}-score"] = overrides.get(criterion.code, score)
        data[f"{criterion.code}-justification"] = f"Because of {criterion.name}."
    return data


def _scored(n: int, author) -> list[Country]:
    af.framework_v1()
    countries = list(Country.objects.order_by("id")[:n])
    Country.objects.filter(pk__in=[c.pk for c in countries]).update(priority_tier=2)
    for index, country in enumerate(countries):
        af.assessment(country=country, author=author, score=1 + index % 5)
        af.rollup(country, 0.5)
    selectivity_recompute(as_of=AS_OF)
    return countries


def test_analyst_creates_an_assessment_in_the_browser_form(client, analyst_a, framework, kenya):
    client.force_login(analyst_a)
    page = client.get(reverse("assessments:assessment-create") + "?country=KEN")
    assert page.status_code == 200 and "Political will" in page.content.decode()
    response = client.post(reverse("assessments:assessment-create"), _post_data(framework, kenya))
    assessment = CountryAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("assessments:assessment-detail", args=[assessment.pk])
    assert assessment.scores.count() == 7 and assessment.status == AssessmentStatus.DRAFT


def test_bad_scores_and_missing_justification_show_field_errors_and_save_nothing(client, analyst_a, framework, kenya):
    client.force_login(analyst_a)
    data = _post_data(framework, kenya, political_will=7)
    data["equal_stake-justification"] = ""
    response = client.post(reverse("assessments:assessment-create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Political will: score (1-5): Select a valid choice" in body
    assert "Equal stake: justification: This field is required." in body
    assert not CountryAssessment.objects.exists()


def test_a_stale_edit_shows_the_conflict_message(client, analyst_a, framework, kenya):
    client.force_login(analyst_a)
    client.post(reverse("assessments:assessment-create"), _post_data(framework, kenya))
    assessment = CountryAssessment.objects.get()
    url = reverse("assessments:assessment-edit", args=[assessment.pk])
    data = _post_data(framework, score=2)
    data["version"] = assessment.version
    assert client.post(url, data).status_code == 302
    data["{}-score".format("political_will")] = 5
    data["summary"] = "My reading"
    response = client.post(url, data)  # same (now stale) version
    body = response.content.decode()
    assert response.status_code == 409, body[body.find('<main'):body.find('<main')+1500]
    warning = body[body.find('id="stale-warning"'):][:600]
    assert "was changed by analyst_a after you opened it" in warning
    assert 'value="My reading"' in body or "My reading" in body  # the user's input is kept
    assert set(CountryAssessment.objects.get().scores.values_list("score", flat=True)) == {2}


def _version(assessment) -> dict:
    """The version the detail page's buttons send (the one read)."""
    return {"version": CountryAssessment.objects.get(pk=assessment.pk).version}


def test_workflow_through_the_pages(client, analyst_a, manager, framework, kenya):
    client.force_login(analyst_a)
    client.post(reverse("assessments:assessment-create"), _post_data(framework, kenya))
    assessment = CountryAssessment.objects.get()
    client.post(reverse("assessments:assessment-submit", args=[assessment.pk]), _version(assessment))
    # The analyst sees no approve button; a forced POST is refused with 403
    detail = client.get(reverse("assessments:assessment-detail", args=[assessment.pk])).content.decode()
    assert "approve-assessment" not in detail
    assert client.post(reverse("assessments:assessment-approve", args=[assessment.pk]), _version(assessment)).status_code == 403
    client.force_login(manager)
    response = client.post(
        reverse("assessments:assessment-return", args=[assessment.pk]), {"reason": "", **_version(assessment)}, follow=True
    )
    assert "Say why the assessment is returned." in response.content.decode()
    client.post(reverse("assessments:assessment-approve", args=[assessment.pk]), _version(assessment))
    assert CountryAssessment.objects.get().status == AssessmentStatus.APPROVED


def test_a_transition_without_the_version_read_is_refused(client, analyst_a, framework, kenya):
    client.force_login(analyst_a)
    client.post(reverse("assessments:assessment-create"), _post_data(framework, kenya))
    assessment = CountryAssessment.objects.get()
    response = client.post(reverse("assessments:assessment-submit", args=[assessment.pk]), follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert CountryAssessment.objects.get().status == AssessmentStatus.DRAFT


def test_manager_cannot_approve_own_assessment_through_the_page(client, manager, framework, kenya):
    client.force_login(manager)
    client.post(reverse("assessments:assessment-create"), _post_data(framework, kenya))
    assessment = CountryAssessment.objects.get()
    client.post(reverse("assessments:assessment-submit", args=[assessment.pk]), _version(assessment))
    response = client.post(reverse("assessments:assessment-approve", args=[assessment.pk]), _version(assessment), follow=True)
    assert "cannot approve your own assessment" in response.content.decode()
    assert CountryAssessment.objects.get().status == AssessmentStatus.SUBMITTED


def test_compare_shows_two_assessments_side_by_side(client, analyst_a, manager, framework, kenya):
    older = af.assessment(country=kenya, author=analyst_a, approver=manager, score=2, assessed_on=dt.date(2025, 6, 1))
    newer = af.assessment(country=kenya, author=analyst_a, approver=manager, score=4, assessed_on=dt.date(2026, 6, 1))
    client.force_login(manager)
    response = client.get(reverse("assessments:assessment-compare") + f"?a={older.pk}&b={newer.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="num delta-up">+2') == 7


def test_manager_sets_a_tier_on_the_country_page(client, manager, kenya):
    cycle = af.cycle(2027)
    client.force_login(manager)
    url = reverse("assessments:tier-set", args=["KEN"])
    response = client.post(url, {"cycle": cycle.pk, "tier": 1, "rationale": ""}, follow=True)
    assert "Rationale: This field is required." in response.content.decode()
    client.post(url, {"cycle": cycle.pk, "tier": 1, "rationale": "Key partner."})
    assert CountryPriorityTier.objects.get().tier == 1 and Country.objects.get(pk=kenya.pk).priority_tier == 1


def test_the_tier_form_carries_each_decision_version_and_a_stale_one_is_refused(client, manager, kenya):
    cycle = af.cycle(2027)
    client.force_login(manager)
    url = reverse("assessments:tier-set", args=["KEN"])
    client.post(url, {"cycle": cycle.pk, "tier": 1, "rationale": "Key partner."})
    page = client.get(reverse("assessments:country-selectivity", args=["KEN"])).content.decode()
    assert f'name="version_{cycle.pk}" value="1"' in page
    # A form opened before that decision (no version for the cycle) is refused, naming who saved.
    response = client.post(url, {"cycle": cycle.pk, "tier": 3, "rationale": "Less."}, follow=True)
    assert "already exists (version 1, saved by manager)" in response.content.decode()
    client.post(url, {"cycle": cycle.pk, "tier": 2, "rationale": "Changed.", f"version_{cycle.pk}": "1"})
    response = client.post(url, {"cycle": cycle.pk, "tier": 4, "rationale": "Stale.", f"version_{cycle.pk}": "1"}, follow=True)
    assert "your version 1, now 2" in response.content.decode()
    decision = CountryPriorityTier.objects.get()
    assert (decision.tier, decision.version, Country.objects.get(pk=kenya.pk).priority_tier) == (2, 2, 2)


def test_analyst_cannot_set_a_tier(client, analyst_a, kenya):
    client.force_login(analyst_a)
    response = client.post(reverse("assessments:tier-set", args=["KEN"]), {"cycle": af.cycle().pk, "tier": 1, "rationale": "x"})
    assert response.status_code == 403 and not CountryPriorityTier.objects.exists()


def test_country_page_explains_the_score(client, manager, analyst_a):
    country = _scored(1, analyst_a)[0]
    af.open_crisis(country)
    Country.objects.filter(pk=country.pk).update(priority_tier=1)
    selectivity_recompute(as_of=AS_OF)
    client.force_login(manager)
    body = client.get(reverse("assessments:country-selectivity", args=[country.iso3])).content.decode()
    # P=100, C=0 (scores 1), E=50: 0.4*100 + 0.4*0 + 0.2*50 = 50
    assert 'id="selectivity-score">50.00<' in body
    assert "Open crisis: Coup attempt" in body
    # The human-rights criterion at 1 and the open crisis cap the band of v2 at review
    assert 'id="selectivity-band">Review<' in body and "(the score alone gives sustain)" in body
    caps = body[body.find('id="selectivity-caps"'):][:900]
    assert "Governance / human-rights criterion at 2 or below: at most review." in caps
    assert "Open crisis: review pending." in caps and "lowered from sustain" in caps
    assert "Tier 1" in body
    assert "<script>" not in body and 'style="' not in body
    # The trend is the shared chart (charts.js, as on the country dashboard): a score holds
    # until the next computation, its band in the tooltip
    assert 'data-chart="chart-score-trend-data"' in body
    trend = json.loads(body.split('<script id="chart-score-trend-data" type="application/json">')[1].split("</script>")[0])
    assert trend["kind"] == "line" and trend["stepped"] is True and trend["yMax"] == 100
    assert trend["datasets"][0]["data"][-1] == 50.0 and trend["datasets"][0]["notes"][-1] == "Band: Review"


def test_ranking_filters_by_region_and_band_and_sorts(client, manager, analyst_a):
    countries = _scored(6, analyst_a)
    client.force_login(manager)
    region = countries[0].state_bureau
    response = client.get(reverse("assessments:ranking"), {"region": region.pk, "sort": "-score"})
    rows = list(response.context["scores"])
    assert rows and all(region.pk in (r.country.state_bureau_id, r.country.combatant_command_id) for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    band = rows[0].band
    by_band = list(client.get(reverse("assessments:ranking"), {"band": band}).context["scores"])
    assert by_band and {r.band for r in by_band} == {band}


def test_ranking_exports_csv_and_xlsx(client, manager, analyst_a):
    _scored(3, analyst_a)
    client.force_login(manager)
    response = client.get(reverse("assessments:ranking"), {"export": "csv", "sort": "country"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Country", "ISO3", "State bureau"] and len(rows) == 4
    xlsx = client.get(reverse("assessments:ranking"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 4 and sheet.cell(1, 9).value == "Score"


@pytest.mark.parametrize(
    "url_name,args,query",
    [
        ("assessments:ranking", [], ""),
        ("assessments:ranking", [], "?rank=score&complete=true"),
        ("assessments:ranking", [], "?rank=range&sort=-low"),
        ("assessments:assessment-list", [], ""),
        ("assessments:country-selectivity", ["first"], ""),
    ],
)
def test_pages_issue_the_same_number_of_queries_at_two_sizes(
    client, manager, analyst_a, django_assert_num_queries, url_name, args, query
):
    # Given 3 scored countries, the page's query count
    client.force_login(manager)
    countries = _scored(3, analyst_a)
    url = reverse(url_name, args=[countries[0].iso3] if args else []) + query
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    # When 12 more countries (and a second score row for the first ones) exist
    _scored(15, analyst_a)
    Country.objects.filter(pk=countries[0].pk).update(priority_tier=1)
    selectivity_recompute(as_of=AS_OF)
    assert SelectivityScore.objects.count() > 15
    # Then the page issues the same number of queries
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("assessments:ranking"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_approving_a_version_the_manager_has_not_seen_is_refused(client, analyst_a, manager, framework, kenya):
    client.force_login(analyst_a)
    client.post(reverse("assessments:assessment-create"), _post_data(framework, kenya))
    assessment = CountryAssessment.objects.get()
    client.post(reverse("assessments:assessment-submit", args=[assessment.pk]), {"version": assessment.version})
    seen = CountryAssessment.objects.get().version  # the version on the manager's screen
    # The analyst's assessment is returned and resubmitted meanwhile (another manager)
    CountryAssessment.objects.filter(pk=assessment.pk).update(version=seen + 2)
    client.force_login(manager)
    response = client.post(reverse("assessments:assessment-approve", args=[assessment.pk]), {"version": seen},
                           follow=True)
    assert "after you opened it" in response.content.decode()
    assert CountryAssessment.objects.get().status == AssessmentStatus.SUBMITTED
    # With the version on screen, the approval goes through
    client.post(reverse("assessments:assessment-approve", args=[assessment.pk]), {"version": seen + 2})
    assert CountryAssessment.objects.get().status == AssessmentStatus.APPROVED

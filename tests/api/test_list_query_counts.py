"""Every list endpoint issues the same number of queries at two data sizes (STYLE.md rule 8)."""
import datetime as dt

import pytest

from evaluations.models import Evaluation, Recommendation
from programs.models import Country

from tests import factories


pytestmark = pytest.mark.django_db


def _programs(n):
    for _ in range(n):
        factories.program_full()


def _programs_with_findings_current(n):
    """Programs, then the stored coordination findings rebuilt from them: the list reads the
    stored findings (a rebuild's own fixed cost is asserted in test_coordination_stored)."""
    from evaluations.services.coordination_findings import findings_current

    _programs(n)
    findings_current()


def _reviews(n):
    for _ in range(n):
        factories.review(factories.program_full())


def _crises(n):
    for _ in range(n):
        factories.crisis()


def _institutions(n):
    for _ in range(n):
        factories.PartnerInstitutionFactory()


def _assessments(n):
    from assessments.selectors import framework_current
    from assessments.services import assessment_create

    author = factories.AnalystFactory()
    scores = {c.code: {"score": 3, "justification": "ok"} for c in framework_current().criteria.all()}
    for iso3 in ("KEN", "UGA", "COL", "PER", "NGA", "GHA")[:n]:
        assessment_create(user=author, country=factories.country(iso3), assessed_on=dt.date(2026, 1, 1), criterion_scores=scores)


def _scores(n):
    from assessments.services import selectivity_recompute

    countries = list(Country.objects.order_by("iso3")[: n * 3])
    Country.objects.filter(pk__in=[c.pk for c in countries]).update(priority_tier=1)
    selectivity_recompute(country_ids=[c.pk for c in countries])


def _evaluations(n):
    for _ in range(n):
        evaluation = Evaluation.objects.create(
            program=factories.program_full(), evaluation_type="impact", title="E", evaluator="GAO",
            started_on=dt.date(2026, 1, 1),
        )
        Recommendation.objects.create(evaluation=evaluation, text="R", owner="O", due_on=dt.date(2026, 6, 1))


def _scenarios(n):
    from tests.allocation import factories as alf

    manager = factories.ManagerFactory()
    for i in range(n):
        alf.scenario(manager, name=f"Scenario {manager.pk}-{i}", envelopes={"INCLE": 5, "FMF": 3})


def _rollups(n):
    from evaluations.services.rollups import rollups_recompute

    _programs(n)
    rollups_recompute()


# endpoint, data builder (None: reference data grows by itself), queries for a token-authenticated GET:
# TOKEN for the token (knox: the token with its user, the user's tokens; then the conditional
# last-use UPDATE, which writes at most once a minute: api.tokens.api_token_use_record),
# 1 count, 1 page, then one per prefetched relation (programs as
# compact JSON: ONE statement reads the count, the page's ids and its JSON written by
# PostgreSQL; as CSV: one for every many-to-many list, one for funding); plus one per code
# or id filter given, whether its row exists (an unknown one is a 400: CodeFilter, IdFilter).
TOKEN = 3
ENDPOINTS = [
    ("/api/v1/programs/", _programs, TOKEN + 1),
    ("/api/v1/programs/?format=csv", _programs, TOKEN + 2 + 2),
    ("/api/v1/programs/?country=KEN&goal=1&sector=15210&status=active&fiscal_year=2026&surge=false&archived=include", _programs, TOKEN + 1 + 3),
    ("/api/v1/programs/?region=AF&agency=DOS&ordering=-obligated&updated_since=2000-01-01T00:00:00Z", _programs, TOKEN + 1 + 2),
    ("/api/v1/programs/?band=invest", _programs, TOKEN + 1),
    ("/api/v1/programs/?page=last", _programs, TOKEN + 1 + 1),  # the count first, to know the last page
    ("/api/v1/moes/", _programs, TOKEN + 2 + 1),
    ("/api/v1/moes/?country=KEN&agency=DOS", _programs, TOKEN + 2 + 1 + 2),
    ("/api/v1/measurements/", _programs, TOKEN + 2 + 2),  # the page's ids, then their rows and breakdowns
    ("/api/v1/measurements/?status=approved&fiscal_year=2026&country=KEN", _programs, TOKEN + 2 + 2 + 1),
    ("/api/v1/reviews/", _reviews, TOKEN + 2),
    ("/api/v1/crisis-events/?open=true", _crises, TOKEN + 2),
    ("/api/v1/partner-institutions/", _institutions, TOKEN + 2),
    ("/api/v1/implementing-partners/", _programs, TOKEN + 2),
    ("/api/v1/countries/?region=AFRICOM", None, TOKEN + 2 + 1),
    ("/api/v1/regions/", None, TOKEN + 2),
    ("/api/v1/agencies/", None, TOKEN + 2),
    ("/api/v1/goals/", None, TOKEN + 2),
    ("/api/v1/sectors/", None, TOKEN + 2),
    ("/api/v1/assessments/?country=KEN&status=draft", _assessments, TOKEN + 2 + 1 + 1),
    ("/api/v1/assessments/", _assessments, TOKEN + 2 + 1),
    ("/api/v1/selectivity-scores/?band=invest", _scores, TOKEN + 2 + 1),  # + the framework's band caps
    ("/api/v1/selectivity-scores/?rank=score&tier=1&complete=false", _scores, TOKEN + 2 + 1),
    ("/api/v1/selectivity-score-history/", _scores, TOKEN + 2 + 1),
    ("/api/v1/evaluations/", _evaluations, TOKEN + 2 + 1),
    ("/api/v1/recommendations/?follow_up_status=open", _evaluations, TOKEN + 2),
    ("/api/v1/program-rollups/", _rollups, TOKEN + 2),
    ("/api/v1/country-rollups/?region=AF", _rollups, TOKEN + 2 + 1),
    ("/api/v1/region-rollups/", _rollups, TOKEN + 2),
    ("/api/v1/goal-rollups/", _rollups, TOKEN + 2),
    # the token, acknowledgements, the stored findings' version, one read per check
    ("/api/v1/coordination-findings/", _programs_with_findings_current, TOKEN + 1 + 1 + 5),
    ("/api/v1/allocation-scenarios/", _scenarios, TOKEN + 2),  # the token, five checks, acknowledgements
]


@pytest.mark.parametrize(("url", "build", "queries"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_list_queries_do_not_grow_with_rows(url, build, queries, token_client, analyst_a, django_assert_num_queries):
    client = token_client(analyst_a)
    for size in (2, 6):
        # given more rows than before
        if build is not None:
            build(size)
        # when the list is read, then the query count is the same
        with django_assert_num_queries(queries):
            response = client.get(url + ("&" if "?" in url else "?") + "page_size=200")
        assert response.status_code == 200, response.content[:300]

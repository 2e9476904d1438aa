"""Every list endpoint issues the same number of queries at two data sizes (STYLE.md rule 8)."""
import pytest

from tests import factories

from . import api_factories

pytestmark = pytest.mark.django_db


def _programs(n):
    for _ in range(n):
        api_factories.program_full()


def _reviews(n):
    for _ in range(n):
        api_factories.review(api_factories.program_full())


def _crises(n):
    for _ in range(n):
        api_factories.crisis()


def _institutions(n):
    for _ in range(n):
        factories.PartnerInstitutionFactory()


# endpoint, data builder (None: reference data grows by itself), queries for a token-authenticated GET:
# 2 for knox (token, user), 1 count, 1 page, then one per prefetched relation.
ENDPOINTS = [
    ("/api/v1/programs/", _programs, 4 + 8),
    ("/api/v1/programs/?format=csv", _programs, 4 + 8),
    ("/api/v1/programs/?country=KEN&goal=1&sector=15210&status=active&fiscal_year=2026&surge=false&archived=include", _programs, 4 + 8),
    ("/api/v1/programs/?region=AF&agency=DOS&ordering=-obligated&updated_since=2000-01-01T00:00:00Z", _programs, 4 + 8),
    ("/api/v1/programs/?band=invest", _programs, 3),  # no scored countries: no page query
    ("/api/v1/moes/", _programs, 4 + 1),
    ("/api/v1/moes/?country=KEN&agency=DOS", _programs, 4 + 1),
    ("/api/v1/measurements/", _programs, 4),
    ("/api/v1/measurements/?status=approved&fiscal_year=2026&country=KEN", _programs, 4),
    ("/api/v1/reviews/", _reviews, 4),
    ("/api/v1/crisis-events/?open=true", _crises, 4),
    ("/api/v1/partner-institutions/", _institutions, 4),
    ("/api/v1/implementing-partners/", _programs, 4),
    ("/api/v1/countries/?region=AFRICOM", None, 4),
    ("/api/v1/regions/", None, 4),
    ("/api/v1/agencies/", None, 4),
    ("/api/v1/goals/", None, 4),
    ("/api/v1/sectors/", None, 4),
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

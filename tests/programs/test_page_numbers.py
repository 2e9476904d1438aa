"""One rule for ``?page=`` on every paginated page (programs.views.paging): a number from 1
to the last page shows that page; anything else (0, negative, not a number, beyond the
end) shows the first page, "Page 1 of N". Page 0 used to show the last page.

The pages are found in the URL conf (every page that takes no argument, every kind of
record list), not listed by hand; any page whose context holds a ``page`` is held."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.paginator import Page
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dashboards.selectors.worklists import ANALYST_LISTS
from programs.views.paging import PAGE_SIZE, page_number
from programs.views.records import KINDS
from tests import factories
from tests.security.signin import sign_in

pytestmark = pytest.mark.django_db

NOT_PAGES = ["0", "-1", "-0", "abc", "1.5", "", " ", "²", "9" * 30, "100"]


def test_page_number_rule():
    assert [page_number(raw, 3) for raw in ("1", "2", "3", " 2 ")] == [1, 2, 3, 2]
    assert [page_number(raw, 3) for raw in [*NOT_PAGES, None, "4"]] == [1] * (len(NOT_PAGES) + 2)
    assert page_number("1", 1) == 1


def _pages_without_arguments(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if not entry.pattern.converters:
                yield from _pages_without_arguments(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and not entry.pattern.converters and "(?P<" not in str(entry.pattern):
            route = prefix + str(entry.pattern)
            if not any(c in route for c in "^$*+?()[]"):
                yield "/" + route


def _list_pages() -> list[str]:
    pages = [url for url in _pages_without_arguments() if not url.startswith(("/api/", "/admin/", "/static/"))]
    return sorted(set(pages + [reverse("programs:record-list", args=[slug]) for slug in KINDS]
                      + [reverse("dashboards:worklist", args=[key]) for key in ANALYST_LISTS]))


def _paginated(client, url, query):
    response = client.get(url, query)
    page = (response.context or {}).get("page") if response.status_code == 200 else None
    return response, page if isinstance(page, Page) else None


def test_every_paginated_page_shows_the_first_page_for_a_number_that_names_none(manager, administrator, analyst_a):
    as_manager, as_administrator, as_analyst = Client(), Client(), Client()
    as_manager.force_login(manager)
    as_analyst.force_login(analyst_a)  # the whole work lists are an analyst's
    sign_in(as_administrator, administrator)  # the dormant-accounts report is theirs
    paginated = []
    for url in _list_pages():
        client = next((c for c in (as_manager, as_administrator, as_analyst) if _paginated(c, url, {})[1] is not None),
                      None)
        if client is None:
            continue
        paginated.append(url)
        for raw in NOT_PAGES:
            response, page = _paginated(client, url, {"page": raw})
            assert response.status_code == 200 and page is not None, (url, raw, response.status_code)
            assert page.number == 1, (url, raw, page.number)
    assert {"/programs/", "/programs/approvals/", "/evaluations/coordination/", "/accounts/dormant/", "/api-tokens/",
            reverse("programs:record-list", args=["institutions"]),
            reverse("dashboards:worklist", args=["drafts"])} <= set(paginated), paginated


def test_a_list_of_two_pages(client, analyst_a):
    """Given 30 partner institutions (two pages), page 2 is the last five; page 0, -1 and
    a page beyond the end show the first 25, "Page 1 of 2"."""
    for _ in range(PAGE_SIZE + 5):
        factories.PartnerInstitutionFactory()
    client.force_login(analyst_a)
    url = reverse("programs:record-list", args=["institutions"])
    first = [row["record"].pk for row in client.get(url).context["rows"]]
    second = [row["record"].pk for row in client.get(url, {"page": "2"}).context["rows"]]
    assert len(first) == PAGE_SIZE and len(second) == 5 and not set(first) & set(second)
    for raw in ("0", "-1", "3", "abc"):
        response = client.get(url, {"page": raw})
        assert [row["record"].pk for row in response.context["rows"]] == first, raw
        assert b"Page 1 of 2" in response.content


def test_no_page_paginates_by_its_own_rule():
    """Django's get_page() (page 0 -> the last page) is called nowhere but through the rule."""
    offenders = []
    for path in Path(settings.BASE_DIR).rglob("*.py"):
        if any(part in {".venv", "tests", "benchmarks", "migrations"} for part in path.parts):
            continue
        if ".get_page(" in path.read_text(encoding="utf-8"):
            offenders.append(str(path))
    assert offenders == []

"""Page-number pagination with a bounded, validated page size, and a count a large list
can afford."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

Results = TypeVar("Results")  # what a fetch returns for the page (JSON text, rows)

MAX_PAGE_SIZE = 1000
MAX_OFFSET = 2**63 - 1  # PostgreSQL's bigint: a page past it is past the last page anyway
# A list of at least this many rows has its count remembered for LARGE_COUNT_MAX_AGE
# seconds: counting the million measurements took ~33 ms of PostgreSQL (two parallel
# workers) on every page a sync client read (docs/performance.md, "Load").
LARGE_COUNT = 10_000
LARGE_COUNT_MAX_AGE = 30
COUNT_DESCRIPTION = (
    f"Rows matching the query. Exact below {LARGE_COUNT:,}; from {LARGE_COUNT:,} rows on it may be up to "
    f"{LARGE_COUNT_MAX_AGE} seconds old (page on until `next` is null rather than computing the last page)."
)


def _count_key(queryset: QuerySet) -> str:
    """Raises EmptyResultSet for a queryset that cannot match anything."""
    sql, params = queryset.query.sql_with_params()
    return "api-count:" + hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()


def count_remembered(queryset: QuerySet) -> int | None:
    """The count of ``queryset`` remembered by this web process, if a large one was
    counted less than LARGE_COUNT_MAX_AGE seconds ago. Raises EmptyResultSet for a
    queryset that cannot match anything."""
    return cache.get(_count_key(queryset))


def count_remember(queryset: QuerySet, count: int) -> None:
    """Remember ``count`` of ``queryset`` for LARGE_COUNT_MAX_AGE seconds if it is large."""
    if count >= LARGE_COUNT:
        cache.set(_count_key(queryset), count, LARGE_COUNT_MAX_AGE)


class LargeCountPaginator(Paginator):
    """Django's paginator whose count of a large query is remembered for a while, per web
    process (the default cache), keyed by the query's SQL and parameters. Pages do not
    depend on the count: each reads one row more than it shows to know whether a next
    page exists, so a count that lags never clips the last page nor hides one."""

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        try:
            count = count_remembered(self.object_list)
        except EmptyResultSet:
            return 0
        if count is None:
            count = self.object_list.count()
            count_remember(self.object_list, count)
        return count

    def validate_number(self, number) -> int:
        """A whole number from 1 (whether a page has rows is known when it is read)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if number > MAX_OFFSET // self.per_page:  # its offset would overflow PostgreSQL's bigint
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        # a count of 0 is always exact (only large counts are remembered): no page to read
        rows = list(self.object_list[bottom:bottom + self.per_page + 1]) if self.count else []
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return RowsPage(rows[:self.per_page], number, self, more=len(rows) > self.per_page)


class RowsPage(Page):
    """A page that knows from its own rows whether another follows."""

    def __init__(self, object_list, number: int, paginator: Paginator, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more


class PortalPagination(PageNumberPagination):
    """``?page=2&page_size=200``; page sizes above 1000 or below 1 are refused (400) rather
    than silently clipped, so a sync client knows its pages are not what it asked for."""

    django_paginator_class = LargeCountPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": f"'{raw}' is not a whole number."}) from None
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError({"page_size": f"Page size must be between 1 and {MAX_PAGE_SIZE}."})
        return size

    def _refuse_bad_page_number(self, request) -> None:
        """A page number that is not a whole number from 1 (nor ``last``) is a 400 naming
        ``page``; a page past the last one stays a 404 (``past_last_page``)."""
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return
        if raw == "":
            raise ValidationError({self.page_query_param: "Give a page number, or leave the parameter out."})
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError({self.page_query_param: f"'{raw[:40]}' is not a page number: give a whole number from 1."})

    def past_last_page(self, number) -> NotFound:
        """The 404 of a page number past the last page (DRF's convention), saying so."""
        return NotFound(f"There is no page {number}: it is past the last page of this list. "
                        "Start from page 1 and follow 'next' until it is null.")

    def paginate_queryset(self, queryset, request, view=None):
        self._refuse_bad_page_number(request)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise self.past_last_page(request.query_params.get(self.page_query_param)) from None

    def paginate_counted(
        self, queryset: QuerySet, request, fetch: Callable[..., tuple[int, Results]]
    ) -> Results:
        """The page ``request`` asks for, read with its count in one go:
        ``fetch(offset=, limit=, count=)`` returns (rows of ``queryset`` in all, the page)
        from one statement, where ``paginate_queryset`` costs a count query, then the page's;
        ``count`` is a large count remembered (as ``LargeCountPaginator`` does), which the
        statement then does not compute, or None.
        Then ``get_paginated_response`` as usual. Page numbers that are not whole numbers
        from 1 answer 400 naming ``page``, a page past the last one 404 (as DRF's);
        ``page=last`` reads the count first (one more query)."""
        self.request = request
        self._refuse_bad_page_number(request)
        page_size = self.get_page_size(request)
        # Django's own paginator: the count comes from the statement, and its page() only
        # slices the queryset lazily (LargeCountPaginator's page() reads rows)
        paginator = Paginator(queryset, page_size)
        number = self.get_page_number(request, paginator)
        number = int(number)  # "last" became the last page's number; others were refused above
        if number > MAX_OFFSET // page_size:
            raise self.past_last_page(number)
        try:
            known = count_remembered(queryset)
        except EmptyResultSet:
            known = 0
        paginator.count, page = fetch(offset=(number - 1) * page_size, limit=page_size, count=known)
        if known is None:
            count_remember(queryset, paginator.count)
        try:
            self.page = paginator.page(number)  # checks the number against the count; no query
        except InvalidPage:
            raise self.past_last_page(number) from None
        return page

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "results"]
        response["properties"]["count"]["description"] = COUNT_DESCRIPTION
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "page_size":
                parameter["schema"].update({"minimum": 1, "maximum": MAX_PAGE_SIZE})
            if parameter["name"] == "page":
                parameter["schema"].update({"minimum": 1})
                parameter["description"] = (
                    "Page number from 1 (or 'last'). Anything else is a 400 naming 'page'; "
                    "a page past the last one is a 404."
                )
        return parameters

"""Page-number pagination with a bounded, validated page size."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

Results = TypeVar("Results")  # what a fetch returns for the page (JSON text, rows)

MAX_PAGE_SIZE = 1000
MAX_OFFSET = 2**63 - 1  # PostgreSQL's bigint: a page past it is past the last page anyway


class PortalPagination(PageNumberPagination):
    """``?page=2&page_size=200``; page sizes above 1000 or below 1 are refused (400) rather
    than silently clipped, so a sync client knows its pages are not what it asked for."""

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

    def _refuse_empty_page_number(self, request) -> None:
        if request.query_params.get(self.page_query_param) == "":
            raise ValidationError({self.page_query_param: "Give a page number, or leave the parameter out."})

    def paginate_queryset(self, queryset, request, view=None):
        self._refuse_empty_page_number(request)
        return super().paginate_queryset(queryset, request, view)

    def paginate_counted(
        self, queryset: QuerySet, request, fetch: Callable[..., tuple[int, Results]]
    ) -> Results:
        """The page ``request`` asks for, read with its count in one go:
        ``fetch(offset=, limit=)`` returns (rows of ``queryset`` in all, the page) from one
        statement, where ``paginate_queryset`` costs a count query, then the page's.
        Then ``get_paginated_response`` as usual. Page numbers that are not whole numbers,
        below 1 or past the last page answer 404 as DRF's do; ``page=last`` reads the
        count first (one more query)."""
        self.request = request
        self._refuse_empty_page_number(request)
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        try:
            number = int(number)
        except ValueError:
            raise NotFound(self.invalid_page_message) from None
        if not 1 <= number <= MAX_OFFSET // page_size:
            raise NotFound(self.invalid_page_message)
        paginator.count, page = fetch(offset=(number - 1) * page_size, limit=page_size)
        try:
            self.page = paginator.page(number)  # checks the number against the count; no query
        except InvalidPage:
            raise NotFound(self.invalid_page_message) from None
        return page

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "page_size":
                parameter["schema"].update({"minimum": 1, "maximum": MAX_PAGE_SIZE})
            if parameter["name"] == "page":
                parameter["schema"].update({"minimum": 1})
        return parameters

"""Pages of long lists, and the query string their links keep.

One rule on every paginated page of the portal: ``?page=`` names a page by its number,
1 to the last; anything else (0, negative, not a whole number, beyond the last page, as
a bookmark may be once the list has shrunk or a bulk decision has emptied the last page)
shows the first page, which says "Page 1 of N". Never the last page for ``page=0`` (as
Django's ``Paginator.get_page`` does), never a 404 for a list that exists. The API's
lists answer 404 for a page that does not exist instead (``api.pagination``): a sync
client must know it went past the end.
"""
from __future__ import annotations

from typing import Protocol

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def page_number(raw: str | None, num_pages: int) -> int:
    """The page to show for the ``page`` query value ``raw`` of a list of ``num_pages``
    pages: its number when it names one (ASCII digits, 1..num_pages), else 1."""
    text = (raw or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18 and 1 <= int(text) <= num_pages:
        return int(text)
    return 1


def paginate(request: HttpRequest, rows, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``rows`` (a queryset or a list), by the module's rule."""
    paginator = Paginator(rows, per_page)
    return paginator.page(page_number(request.GET.get("page"), paginator.num_pages))


class WindowedRows(Protocol):
    """Rows read a window at a time, each window with the count of the whole list."""

    def window(self, offset: int, limit: int) -> tuple[int, list]:
        """(rows in the whole list, ``limit`` rows from the ``offset``-th); (0, []) past the end."""


def paginate_windowed(request: HttpRequest, rows: WindowedRows, *, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of ``rows`` in one query, by the module's rule: the page's rows
    carry the list's count, so no COUNT runs first. A number past the last page is known
    only when its window comes back empty: then the first page is read (a second query,
    for that case only)."""
    number = page_number(request.GET.get("page"), _ANY_PAGE)
    count, items = rows.window((number - 1) * per_page, per_page)
    if not items and number > 1:
        number = 1
        count, items = rows.window(0, per_page)
    paginator = Paginator((), per_page)
    paginator.count = count  # known from the window: Paginator.count is a cached property
    return Page(items, number, paginator)


_ANY_PAGE = 10**18 - 1  # page_number's bound when the number of pages is not known yet


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without ``names`` (for pagination and sort links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def selected_ids(request: HttpRequest, name: str = "ids") -> list[int]:
    """The row ids a bulk form posted under ``name`` (checkboxes); anything but plain
    ASCII digits is ignored ('³'.isdigit() is True)."""
    return [int(v) for v in request.POST.getlist(name) if v.isascii() and v.isdigit() and len(v) <= 18]

"""Pages of long lists, and the query string their links keep."""
from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE):
    """The requested page (an out-of-range or non-numeric page number gives the nearest)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


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

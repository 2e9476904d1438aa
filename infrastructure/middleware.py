"""Request hygiene applied before any view runs."""
from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse

from .text import control_characters_error


class ControlCharacterPathMiddleware:
    """A URL path holding a control character (``/dashboards/countries/%00/``) names no
    page: 404 for every route and path converter at once, before a lookup could hand NUL
    to PostgreSQL (which refuses it: a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if control_characters_error(request.path):
            raise Http404("No page has a control character in its address.")
        return self.get_response(request)

"""Request hygiene applied before any view runs."""
from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from .text import control_characters_error

API_PATH_PREFIX = "/api/"
NOT_FOUND = "No page has a control character in its address."


class ControlCharacterPathMiddleware:
    """A URL path holding a control character (``/dashboards/countries/%00/``) names no
    page: 404 for every route and path converter at once, before a lookup could hand NUL
    to PostgreSQL (which refuses it: a 500). API paths get the API's JSON error shape
    (``api/errors.py``), pages the portal's 404 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if control_characters_error(request.path):
            if request.path.startswith(API_PATH_PREFIX):
                return JsonResponse({"status": 404, "code": "not_found", "detail": NOT_FOUND}, status=404)
            raise Http404(NOT_FOUND)
        return self.get_response(request)

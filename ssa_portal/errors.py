"""Error answers outside the views: a database that refuses connections gets a clear 503,
not a 500 with a stack trace, and API clients get every such error in the API's JSON
shape (api.errors.error_body) instead of an HTML page. Nothing here touches the database."""
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from api.errors import error_body

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = "30"


def is_api_client(request: HttpRequest) -> bool:
    """An API path, or a client that asks for JSON explicitly (``*/*`` does not count)."""
    return request.path.startswith(API_PREFIX) or "application/json" in request.headers.get("Accept", "")


def _error(request: HttpRequest, status: int, code: str, detail: str, template: str) -> HttpResponse:
    if is_api_client(request):
        return JsonResponse(error_body(status, code, detail), status=status)
    return HttpResponse(loader.get_template(template).render({}), status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called inside the except block, so sys.exc_info() names the error."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = _error(request, 503, "service_unavailable",
                          "The portal is temporarily unavailable; try again shortly.", "503.html")
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return _error(request, 500, "server_error", "Something went wrong on our side; it has been logged.", "500.html")


"""Error pages. A database that refuses connections gets a clear 503 page, not a 500
with a stack trace; the pages render without touching the database."""
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called inside the except block, so sys.exc_info() names the error."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        body = loader.get_template("503.html").render({})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render({}), status=500)

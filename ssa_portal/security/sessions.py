"""The absolute session lifetime: a session ends ``SESSION_ABSOLUTE_TIMEOUT`` seconds
(default 12 hours) after sign-in however active it is. The inactivity timeout is Django's
own: ``SESSION_COOKIE_AGE`` (30 minutes) renewed on every request
(``SESSION_SAVE_EVERY_REQUEST``)."""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED_KEY = "security_signed_in_at"


def session_started(request: HttpRequest) -> None:
    request.session[STARTED_KEY] = int(time.time())


class AbsoluteSessionTimeoutMiddleware:
    """Sign out a session older than the absolute limit; the next middleware
    (LoginRequiredMiddleware) then sends the user to the sign-in page."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limit = int(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", 12 * 3600))
            started = request.session.get(STARTED_KEY)
            if started is None:
                session_started(request)  # a session from before this middleware: start counting now
            elif time.time() - int(started) > limit:
                from .audit import security_event

                security_event("session_expired", request=request, user=user.get_username(), reason="absolute limit")
                logout(request)
        return self.get_response(request)

"""Session lifetimes: 30 minutes of inactivity, 12 hours at most.

Inactivity: Django's ``SESSION_COOKIE_AGE`` (30 minutes) counts from the session's last
save. Rather than saving the session on every request (a database write per request,
``SESSION_SAVE_EVERY_REQUEST``), this middleware renews it at most once a minute
(``SESSION_RENEW_SECONDS``): an active user is never signed out, an idle one is after 30
minutes (give or take that minute).

Absolute: a session ends ``SESSION_ABSOLUTE_TIMEOUT`` seconds (default 12 hours) after
sign-in however active it is.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

STARTED_KEY = "security_signed_in_at"
ACTIVE_KEY = "security_active_at"


def session_started(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[ACTIVE_KEY] = now


class AbsoluteSessionTimeoutMiddleware:
    """Sign out a session older than the absolute limit (the next middleware,
    LoginRequiredMiddleware, then sends the user to the sign-in page); renew the idle
    timeout of an active session once a minute."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            limit = int(getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", 12 * 3600))
            started = request.session.get(STARTED_KEY)
            if started is None:
                session_started(request)  # a session from before this middleware: start counting now
            elif now - int(started) > limit:
                from .audit import security_event

                security_event("session_expired", request=request, user=user.get_username(), reason="absolute limit")
                logout(request)
            elif now - int(request.session.get(ACTIVE_KEY, 0)) >= int(getattr(settings, "SESSION_RENEW_SECONDS", 60)):
                request.session[ACTIVE_KEY] = now  # modified: saved with a fresh 30-minute expiry
        return self.get_response(request)

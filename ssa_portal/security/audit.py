"""Security events to the ``ssa_portal.security`` logger: sign-ins, failed sign-ins,
lock-outs, sign-outs and refused authorisations (every 403 answer, pages and API).

Each record says who (user name, or the name tried), what (the event, and for a refusal
the method, path and reason), when (UTC, ISO 8601) and where (the client's IP address), as
``key=value`` pairs in the message and as ``extra`` attributes (``security_event``, ...)
for structured handlers. Passwords and tokens are never logged.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

logger = logging.getLogger("ssa_portal.security")


def client_ip(request: HttpRequest | None) -> str:
    """The peer address. Behind a reverse proxy, configure the proxy (and gunicorn's
    ``--forwarded-allow-ips``) so that REMOTE_ADDR is the client's; X-Forwarded-For is
    not trusted here because any client can send it."""
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR") or "-"


def _quote(value: Any) -> str:
    text = str(value).replace("\n", " ").replace("\r", " ")
    return f'"{text}"' if (" " in text or not text) else text


def security_event(event: str, *, request: HttpRequest | None, user: str, level: int = logging.INFO, **fields: Any) -> None:
    now = timezone.now().astimezone(dt.timezone.utc)
    record = {"event": event, "user": user or "-", "ip": client_ip(request),
              "at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), **fields}
    logger.log(level, " ".join(f"{key}={_quote(value)}" for key, value in record.items()),
               extra={f"security_{key}": value for key, value in record.items()})


def _username(user) -> str:
    return getattr(user, "get_username", lambda: "")() if user is not None else ""


# --- receivers (connected in SecurityConfig.ready) -----------------------------------


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    from .sessions import session_started

    if request is not None and hasattr(request, "session"):
        session_started(request)
    security_event("sign_in", request=request, user=_username(user))


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    security_event("sign_out", request=request, user=_username(user))


def on_user_login_failed(sender, credentials, request=None, **kwargs) -> None:
    security_event("sign_in_failed", request=request, user=str(credentials.get("username", ""))[:150],
                   level=logging.WARNING)


def on_user_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    security_event("locked_out", request=request, user=str(username or "")[:150], level=logging.WARNING)


# --- refused authorisations ------------------------------------------------------------


class RefusalLogMiddleware:
    """Log every 403 the portal answers (a PermissionDenied on a page, a DRF refusal, a
    CSRF failure), with the reason when there is one."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            reason = getattr(request, "_security_refusal", "") or _drf_detail(response)
            security_event(
                "refused", request=request,
                user=_username(user) if getattr(user, "is_authenticated", False) else "anonymous",
                method=request.method, path=request.path[:300], status=403, reason=reason[:300],
                level=logging.WARNING,
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            request._security_refusal = str(exception)
        return None


class NotARefusal(logging.Filter):
    """Drops a record about a 403 answer (``status_code`` 403, as Django's ``log_response``
    sets it): set on Django's request and CSRF loggers, whose line for a refusal would
    repeat, with the view's traceback, what :class:`RefusalLogMiddleware` logs once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 403


def _drf_detail(response: HttpResponse) -> str:
    data = getattr(response, "data", None)
    if isinstance(data, dict):
        return str(data.get("detail", ""))
    return ""

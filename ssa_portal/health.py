"""Health endpoint for monitoring: ``{"status": "ok"}`` (200) or ``{"status": "down"}``
(503), without login.

Answers 200 when the database answers (the portal can serve), 503 otherwise; broker and
worker problems do not fail the check, because saving still works without them (work is
deferred and replayed). The checks themselves (database, broker, workers, deferred tasks,
with timings and error text that can name hosts and ports) are shown to signed-in
administrators only; everyone else gets the status word.
"""
from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from infrastructure.models import DeferredTask
from programs.permissions import is_administrator
from ssa_portal.celery import app


def _timed(check) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
        status = "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports, it never raises
        detail, status = f"{type(exc).__name__}: {exc}"[:300], "error"
    return {"status": status, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    if app.conf.task_always_eager:
        return "not configured: tasks run in process"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=1)
    return "reachable"


def _workers() -> str:
    if app.conf.task_always_eager:
        return "not needed: tasks run in process"
    replies = app.control.inspect(timeout=1.0).ping() or {}
    if not replies:
        raise RuntimeError("no worker answered within 1 s")
    return f"{len(replies)} worker(s) answered"


def _deferred() -> int:
    return DeferredTask.objects.count()


def _shows_details(request: HttpRequest) -> bool:
    """A signed-in administrator whose session has passed the second factor."""
    user = request.user
    return is_administrator(user) and getattr(user, "is_verified", lambda: True)()


@login_not_required
@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(_database)}
    healthy = checks["database"]["status"] == "ok"
    status = 200 if healthy else 503
    # Who is asking can only be known with a database (sessions live there).
    if not (healthy and _shows_details(request)):
        return JsonResponse({"status": "ok" if healthy else "down"}, status=status)
    checks["deferred_tasks"] = _timed(_deferred)
    checks["broker"] = _timed(_broker)
    checks["workers"] = _timed(_workers) if checks["broker"]["status"] == "ok" else {
        "status": "unknown", "detail": "broker unreachable", "ms": 0}
    return JsonResponse({"status": "ok", "checks": checks}, status=status)

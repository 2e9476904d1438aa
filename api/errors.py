"""One error format for every API response that is not a success.

    {"status": 400, "code": "invalid", "detail": "Check the fields below.",
     "errors": {"title": ["This field is required."]}}

``errors`` maps field names (``non_field_errors`` for the record as a whole) to
messages and is present for 400s. A stale ``version`` is 409 with ``code``
``stale_version``, the version the client sent and the current one, and the list of
changes made since. A request the record's current state does not allow (approving a
measurement that is not submitted, infrastructure.conflicts.StateConflict), or a value
that another record already holds (a unique field), is 409 with ``code``
``state_conflict`` and ``errors`` by field, whether the service's check found it or the
database refused the second of two writes at the same moment (an ``IntegrityError``,
worded by infrastructure.constraints.integrity_error_explained, never as SQL). The
services' Django ``ValidationError`` and ``PermissionDenied`` are translated here, so
views stay thin.
"""
from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from infrastructure.conflicts import StateConflict
from infrastructure.constraints import integrity_error_explained
from infrastructure.versioning import StaleVersionError


class StaleVersion(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "stale_version"


def _field_errors(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):  # nested serializer: flatten to "funding.0.planned"
                for sub, messages in _field_errors(value).items():
                    out[f"{key}.{sub}"] = messages
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                for index, item in enumerate(value):
                    for sub, messages in _field_errors(item).items():
                        out[f"{key}.{index}.{sub}"] = messages
            else:
                # Django's name for errors of the record as a whole is "__all__"; the API's is non_field_errors.
                name = "non_field_errors" if key == "__all__" else key
                out.setdefault(name, []).extend(str(m) for m in (value if isinstance(value, list) else [value]))
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(v) for v in value]
    return str(value)


def error_body(status_code: int, code: str, detail: str) -> dict[str, Any]:
    """The shape every API error shares: ``{"status": 503, "code": "...", "detail": "..."}``
    (400s add ``errors`` by field, 409s the changes since the client's version)."""
    return {"status": status_code, "code": code, "detail": detail}


def missing_version_message(exc: StaleVersionError) -> str:
    """What an API client that sent no ``version`` for a stored record is told: the field is
    required for updates, and the version to send once it has read the record (and who
    saved it last when the history says so; never a guess)."""
    return (
        f"The field 'version' is required to change a stored record: {exc.noun} is at version "
        f"{exc.current}{f' (last saved by {exc.who})' if exc.who else ''}. Nothing was saved; read it, "
        f"review it and send \"version\": {exc.current} "
        "(the version you read) with your change."
    )


def stale_version_body(exc: StaleVersionError) -> dict[str, Any]:
    """A stale or missing ``version``: 409 with the current version and the changes since;
    a missing one says the field is required and names it in ``errors``."""
    detail = str(exc) if exc.expected else missing_version_message(exc)
    missing = {"errors": {"version": [detail]}} if not exc.expected else {}
    return {
        **error_body(409, "stale_version", detail),
        **missing,
        "your_version": exc.expected,
        "current_version": exc.current,
        "changes": [
            {"field": c["field"], "old": _json_safe(c["old"]), "new": _json_safe(c["new"]),
             "by": c.get("by", ""), "at": _json_safe(c.get("at"))}
            for c in exc.changes
        ],
    }


UNIQUENESS_CODES = {"unique", "unique_together", "unique_constraint"}


def _is_uniqueness_error(exc: Exception) -> bool:
    """A Django ValidationError all of whose messages say a value is taken (the model's
    unique fields and constraints): a conflict with stored rows, not a malformed request."""
    if not isinstance(exc, DjangoValidationError):
        return False
    codes = [error.code for error in exc.error_list] if not hasattr(exc, "error_dict") else \
        [error.code for errors in exc.error_dict.values() for error in errors]
    return bool(codes) and set(codes) <= UNIQUENESS_CODES


def _error_response(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, IntegrityError):  # a write outside validated_save met another at the same moment
        exc = integrity_error_explained(exc)
    if isinstance(exc, StaleVersionError):
        return Response(stale_version_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, StateConflict) or _is_uniqueness_error(exc):
        errors = _field_errors(as_serializer_error(exc))
        detail = next(iter(errors.values()))[0]
        return Response({**error_body(409, "state_conflict", detail), "errors": errors}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(response.status_code, "invalid", "The request has errors; see the fields in 'errors'.")
        body["errors"] = _field_errors(exc.detail)
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = error_body(response.status_code, code,
                          str(detail) if not isinstance(detail, (dict, list)) else str(_field_errors(detail)))
    response.data = body
    return response


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error in the shared JSON shape, and as JSON even when
    the client asked for CSV (``?format=csv`` or ``Accept: text/csv``)."""
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    return response

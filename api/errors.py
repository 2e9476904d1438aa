"""One error format for every API response that is not a success.

    {"status": 400, "code": "invalid", "detail": "Check the fields below.",
     "errors": {"title": ["This field is required."]}}

``errors`` maps field names (``non_field_errors`` for the record as a whole) to
messages and is present for 400s. A stale ``version`` is 409 with ``code``
``stale_version``, the version the client sent and the current one, and the list of
changes made since. The services' Django ``ValidationError`` and ``PermissionDenied``
are translated here, so views stay thin.
"""
from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

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


def stale_version_body(exc: StaleVersionError) -> dict[str, Any]:
    return {
        "status": 409,
        "code": "stale_version",
        "detail": str(exc),
        "your_version": exc.expected,
        "current_version": exc.current,
        "changes": [
            {"field": c["field"], "old": _json_safe(c["old"]), "new": _json_safe(c["new"]),
             "by": c.get("by", ""), "at": _json_safe(c.get("at"))}
            for c in exc.changes
        ],
    }


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, StaleVersionError):
        return Response(stale_version_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["detail"] = "The request has errors; see the fields in 'errors'."
        body["errors"] = _field_errors(exc.detail)
    else:
        detail = getattr(exc, "detail", "")
        body["code"] = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body["detail"] = str(detail) if not isinstance(detail, (dict, list)) else str(_field_errors(detail))
    response.data = body
    request = context.get("request")
    if request is not None:  # errors are JSON even when CSV was asked for
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    return response

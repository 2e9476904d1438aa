"""OpenAPI: every operation documents the shared error format for its failure codes, and
the schema states what the server accepts (filter parameters, ids, text, decimals)."""
from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .serializers.fields import URL_PATTERN


class FieldErrorsField(serializers.DictField):
    child = serializers.ListField(child=serializers.CharField())


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx response (see api.errors)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = FieldErrorsField(required=False, help_text="Field name -> messages (400 only).")


class StaleVersionChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)
    by = serializers.CharField(allow_blank=True)
    at = serializers.CharField(allow_null=True)


class StaleVersionSerializer(serializers.Serializer):
    """409, nothing saved: ``code`` ``stale_version`` (the request named no version, or 0,
    for a record that exists, or an older version than the stored one: ``your_version``
    is null when none was sent, and the changes since are given) or ``state_conflict``
    (the record's state does not allow the request: ``errors`` by field)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    your_version = serializers.IntegerField(allow_null=True, required=False)
    current_version = serializers.IntegerField(required=False)
    changes = StaleVersionChangeSerializer(many=True, required=False)
    errors = FieldErrorsField(
        required=False, help_text="Field name -> messages (state_conflict; and 'version' when none was sent)."
    )


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: wrong types, unknown ids, malformed JSON, a value that does not fit the record it "
           "names (a period outside the program's years), bad filter values (a malformed period), page number "
           "or page size.",
    "401": "No or invalid credentials (session or 'Authorization: Token <key>').",
    "403": "Not allowed: read-only token, other agency's record, or no approval rights (checked before the body).",
    "404": "No such record, or a page past the last one.",
    "406": "The requested format is not available.",
    "429": "Too many requests for this token or user; retry after the 'Retry-After' seconds.",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "406", "429"]
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, ["application/json"], direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        if self.method in WRITE_METHODS and "409" not in responses:
            response = self._get_response_for_code(StaleVersionSerializer, "409", ["application/json"], direction)
            response["description"] = (
                "Conflict, nothing saved: a version conflict (the request named no version, or 0 'expected "
                "absent', for a record that exists: 'version' is required and the body gives the current one; "
                "or an older version than the stored one: the body says who changed what since, "
                "docs/concurrency.md), or stored state that does not allow the request (a unique value taken, "
                "a status)."
            )
            responses["409"] = response
        return responses


# --- what the server accepts, stated in the schema ------------------------------------
# Schemathesis (tests/api/test_schemathesis.py) holds the two equal both ways: every
# request the schema allows is accepted, every request it forbids is refused with a 400.

ID_MAX = 2**63 - 1
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; DRF refuses it
NO_NUL_NOT_BLANK = r"^[^\x00]*[^\x00\s][^\x00]*$"  # DRF trims whitespace, then refuses blank


def _describe_text(schema: dict) -> None:
    """A free-text string (no enum, format or pattern of its own): no NUL, and not only
    whitespace when it may not be blank."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NO_NUL_NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL


def _walk(schema: Any, visit) -> None:
    if isinstance(schema, dict):
        visit(schema)
        for value in schema.values():
            _walk(value, visit)
    elif isinstance(schema, list):
        for value in schema:
            _walk(value, visit)


def _describe_request_schema(schema: dict) -> None:
    _describe_text(schema)


def describe_accepted_values(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: ids in paths are 1..2^63-1; query parameters are never
    null; request bodies' free text has no NUL (and is not blank where required); the
    body of an update (PUT, PATCH) requires the ``version`` the writer read."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["in"] == "path" and schema.get("type") == "integer":
                    schema.update(minimum=1, maximum=ID_MAX)
                if parameter["in"] == "query":
                    schema.pop("nullable", None)
    components = result.get("components", {}).get("schemas", {})
    for name, schema in components.items():
        if name.endswith("Request"):
            _walk(schema, _describe_request_schema)
    for path_item in result.get("paths", {}).values():
        for method in ("put", "patch"):  # an update carries the version its writer read
            request_body = path_item.get(method, {}).get("requestBody", {})
            body = request_body.get("content", {}).get("application/json", {})
            component = components.get(body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1], {})
            if "version" in component.get("properties", {}):
                request_body["required"] = True
                if "version" not in component.get("required", []):
                    component["required"] = [*component.get("required", []), "version"]
    return result


class PortalFilterExtension(DjangoFilterExtension):
    """Filter parameters as api.filter_backend.PortalFilterBackend takes them: strings
    non-empty, NUL-free and within the filter's max_length; numbers within its bounds."""

    target_class = "api.filter_backend.PortalFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)
        form_field = filter_field.field
        for parameter in parameters:
            schema = parameter["schema"]
            schema = schema.get("items", schema) if schema.get("type") == "array" else schema
            if schema.get("type") == "string" and not {"enum", "format"} & set(schema):
                schema["minLength"] = 1
                if getattr(form_field, "max_length", None):
                    schema["maxLength"] = form_field.max_length
                schema["pattern"] = getattr(form_field, "pattern", NO_NUL)  # a period code's, say
            elif schema.get("type") in ("integer", "number"):
                if getattr(form_field, "min_value", None) is not None:
                    schema["minimum"] = form_field.min_value
                if getattr(form_field, "max_value", None) is not None:
                    schema["maximum"] = form_field.max_value
        return parameters


def decimal_pattern(*, max_digits: int, decimal_places: int, min_value: Any = None) -> str:
    """The strings a DRF DecimalField with these bounds accepts: a digit at least, at most
    ``max_digits - decimal_places`` before the point and ``decimal_places`` after it; no
    minus sign when ``min_value >= 0``; a non-zero digit when ``min_value > 0``."""
    whole, fraction = max_digits - decimal_places, decimal_places
    sign = "-?" if min_value is None or min_value < 0 else ""
    nonzero = "(?=[^1-9]*[1-9])" if min_value is not None and min_value > 0 else ""
    return rf"^{nonzero}{sign}(?:\d{{1,{whole}}}(?:\.\d{{0,{fraction}}})?|\.\d{{1,{fraction}}})$"


# Control characters (infrastructure.text): single-line text refuses every C0 character;
# long text keeps tab, line feed and carriage return.
_SHORT_CHAR = r"[^\x00-\x1f]"
_LONG_CHAR = r"[^\x00-\x08\x0b\x0c\x0e-\x1f]"


def text_pattern(*, multiline: bool, not_blank: bool) -> str:
    """The pattern of free text as ``infrastructure.text`` accepts it (and, when it may
    not be blank, with at least one character that is not white space)."""
    char = _LONG_CHAR if multiline else _SHORT_CHAR
    if not_blank:
        return rf"^{char}*[^\x00-\x1f\s]{char}*$"
    return rf"^{char}*$"


def _is_multiline(field) -> bool:
    from infrastructure.text import refuse_control_characters_multiline

    return bool(getattr(field, "multiline", False)) or refuse_control_characters_multiline in field.validators


class _TextPatternMixin:
    """Request text carries the control-character rule of its field as a pattern."""

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request" and schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
            schema["pattern"] = text_pattern(multiline=_is_multiline(self.target),
                                             not_blank=schema.get("minLength", 0) >= 1)
        return schema


class CharFieldExtension(_TextPatternMixin, OpenApiSerializerFieldExtension):
    target_class = "rest_framework.fields.CharField"


class TextFieldExtension(_TextPatternMixin, OpenApiSerializerFieldExtension):
    target_class = "api.serializers.fields.Text"


class DecimalFieldExtension(OpenApiSerializerFieldExtension):
    """Decimals travel as strings; drf-spectacular's own pattern also matches "", "-" and
    ".", and says nothing of a lower bound. Every DecimalField gets decimal_pattern()."""

    target_class = "rest_framework.fields.DecimalField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {"type": "string", "format": "decimal"}
        if field.max_digits is not None and field.decimal_places is not None:
            schema["pattern"] = decimal_pattern(max_digits=field.max_digits, decimal_places=field.decimal_places,
                                                min_value=field.min_value)
        return schema



class URLFieldExtension(OpenApiSerializerFieldExtension):
    """URL fields: ``format: uri`` alone lets generators send URIs (``a:b``) that the
    server's URLValidator refuses; the pattern says which URLs are taken."""

    target_class = "rest_framework.fields.URLField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {"type": "string", "format": "uri", "pattern": f"^{URL_PATTERN}$"}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        return schema  # drf-spectacular adds the blank alternative of allow_blank itself


"""OpenAPI: every operation documents the shared error format for its failure codes."""
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


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
    """409: the record exists or changed since the client read it; nothing was saved.
    ``your_version`` is null when the request sent none."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    your_version = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField()
    changes = StaleVersionChangeSerializer(many=True)


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: wrong types, unknown ids, malformed JSON, bad filter values or page size.",
    "401": "No or invalid credentials (session or 'Authorization: Token <key>').",
    "403": "Not allowed: read-only token, other agency's record, or no approval rights.",
    "404": "No such record (or page).",
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
                "Version conflict, nothing saved: the request named no version (or 0, 'expected absent') "
                "for a record that exists, or an older version than the stored one. The body says who "
                "changed what since (docs/concurrency.md)."
            )
            responses["409"] = response
        return responses

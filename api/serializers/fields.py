"""Input fields that refuse what the database cannot store, with a field-named message."""
from __future__ import annotations

from rest_framework import serializers

from infrastructure.text import control_characters_error

ID_MAX = 2**63 - 1


class Text(serializers.CharField):
    """CharField that refuses control characters and lone surrogates
    (``infrastructure.text``); ``multiline=True`` for long text keeps tab and line breaks."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)
        self.validators.append(self._refuse_control_characters)

    def _refuse_control_characters(self, value: str) -> None:
        error = control_characters_error(value, multiline=self.multiline)
        if error:
            raise serializers.ValidationError(error)


class IdList(serializers.ListField):
    """A list of ids of ``model`` rows, checked in one query; returns the ids."""

    def __init__(self, *, model, max_length: int = 500, **kwargs):
        self.model = model
        super().__init__(child=serializers.IntegerField(min_value=1, max_value=ID_MAX), max_length=max_length, **kwargs)

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        found = set(self.model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = sorted(set(ids) - found)
        if missing:
            raise serializers.ValidationError(f"Unknown id(s): {', '.join(map(str, missing[:20]))}.")
        return list(dict.fromkeys(ids))

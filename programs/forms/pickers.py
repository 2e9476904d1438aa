"""Pickers: one form field for choosing a record among thousands (programs, partner
institutions), never a list of them on the page.

The page renders only the chosen record: a text input of its key (a program's code, an
institution's "name (ISO3)"), which works without JavaScript, that ``static/js/portal.js``
turns into a Tom Select box asking the picker's search endpoint (``data-picker``: a JSON
``{"results": [{"value": key, "label": label}]}``, ``picker_results``) as the user types.
Each use is a subclass of :class:`PickerChoiceField` saying how a record is found from
what was typed (one query), what it offers (``pickable``) and how it is named; unknown,
over-long or NUL text and a record the picker does not offer (archived) are field errors
naming the problem.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from infrastructure.text import typed_for_message


class PickerInput(forms.TextInput):
    """A text input of the chosen record's key; ``data-picker`` gives portal.js the search
    endpoint, ``data-picker-label`` the chosen record's label, ``data-picker-placeholder``
    and ``data-picker-empty`` its prompt and its "nothing found" text."""

    def __init__(self, attrs: dict | None = None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.picker: PickerChoiceField | None = None  # set by the field

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        picker, widget_attrs = self.picker, context["widget"]["attrs"]
        if picker is not None:
            widget_attrs["data-picker"] = reverse(picker.search_url)
            widget_attrs["data-picker-placeholder"] = picker.placeholder
            widget_attrs["data-picker-empty"] = picker.nothing_found
            record = picker.found(value)
            if record is not None:
                widget_attrs["data-picker-label"] = picker.record_label(record)
        return context


class PickerChoiceField(forms.Field):
    """A record chosen with a picker, given by its key (or, for older links and a model
    form's initial value, its id); cleans to the record or ``None``. Whatever is entered
    costs one query, however many records there are.

    A use sets ``model``, ``search_url`` (the URL name of its search), ``placeholder``,
    ``nothing_found``, ``longest_key`` (longer text is no key: unknown), the ``unknown``
    and ``archived`` error messages (``%(value)s``: the text typed, at most 60 characters;
    the record's key) and implements ``record_key``, ``record_label`` and ``_lookup``."""

    widget = PickerInput
    model: type[models.Model]
    search_url: str
    placeholder: str
    nothing_found: str
    longest_key: int

    def __init__(self, *, help_text: str = "", **kwargs):
        super().__init__(help_text=help_text, **kwargs)
        self.widget.picker = self
        self._found: dict[str, models.Model | None] = {}

    def __deepcopy__(self, memo):
        # Each form copies its fields: its lookups are its own, never another request's.
        copied = super().__deepcopy__(memo)
        copied.widget.picker = copied
        copied._found = {}
        return copied

    def record_key(self, record) -> str:
        """What the text box holds for ``record`` (and the search's ``value``)."""
        raise NotImplementedError

    def record_label(self, record) -> str:
        """How the picker names ``record`` once chosen."""
        raise NotImplementedError

    def _lookup(self, value: str) -> models.Model | None:
        """The record ``value`` names (annotated ``pickable``), in one query, or None."""
        raise NotImplementedError

    def _record(self, value: str) -> models.Model | None:
        """The record named by ``value``, looked up once per form; None for text no key
        can be (too long, or a NUL, which PostgreSQL refuses)."""
        if "\x00" in value or len(value) > self.longest_key:
            return None
        if value not in self._found:
            self._found[value] = self._lookup(value)
        return self._found[value]

    def to_python(self, value):
        if isinstance(value, self.model):
            return value
        value = str(value or "").strip()
        if value in self.empty_values:
            return None
        record = self._record(value)
        if record is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"value": typed_for_message(value)})
        if not record.pickable:
            raise ValidationError(self.error_messages["archived"], code="archived", params={"value": self.record_key(record)})
        return record

    def found(self, key) -> models.Model | None:
        """The record this form found for ``key`` (what its box holds), if any; no query."""
        return self._found.get(key) if isinstance(key, str) else None

    def prepare_value(self, value):
        """What the box holds: the chosen record's key (a record, or an id as a model
        form's initial value gives it, is looked up once), else the text as typed."""
        if value in self.empty_values:
            return value
        record = value if isinstance(value, self.model) else self._record(str(value).strip())
        if record is None:
            return str(value).strip()
        key = self.record_key(record)
        self._found.setdefault(key, record)
        return key


def is_record_id(value: str) -> bool:
    """Whether ``value`` may be a record's id: ASCII digits that fit an integer column
    ('³'.isdigit() is True)."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def picker_results(rows: list[tuple[str, str]]) -> dict:
    """A picker search's answer: ``{"results": [{"value": key, "label": label}, ...]}``."""
    return {"results": [{"value": key, "label": label} for key, label in rows]}

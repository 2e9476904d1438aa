"""Numbers as US users type them: one rule for every numeric form field, grid cell and
spreadsheet cell (``programs.importing.cells``).

Accepted: ``1234.5``, ``1,234.5`` and ``1,234,567`` (commas between groups of three),
a leading ``$``, ``US$`` or ``USD`` (or a trailing ``USD``), a minus sign, accounting
parentheses ``(1,234)`` for a negative number, surrounding spaces. Refused with a message
that says how to write it: ``1.234,56`` and ``12,5`` (a comma as the decimal separator:
ambiguous), misplaced commas (``1,23``), spaces between digits (``1 234``), anything
else that is not a number. Whether a negative number is allowed, and the range, are the
field's own rules (e.g. ``programs.models.moe_value_problem``).

The API is not covered: its decimals are JSON strings in the plain machine spelling its
schema states (``api.schema.decimal_pattern``), as clients generate them.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .text import typed_for_message

DASHES = {"-", "\u2013", "\u2014", "--"}
_PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_EUROPEAN = re.compile(r"^\d{1,3}(\.\d{3})*,\d+$|^\d{1,3}(\.\d{3}){2,}$")


class NumberError(ValueError):
    """Text that is not a number as US users write one; the message says why and how to
    write it."""


def number_from_text(raw: str, *, dash_is_zero: bool = False) -> Decimal:
    """The number ``raw`` spells (see the module docstring), or NumberError. A lone dash
    is zero with ``dash_is_zero`` (accountants' tables: the importer), else an error."""
    original = raw.strip()
    shown = typed_for_message(original)  # quoted in the messages
    cleaned = original.replace("\u00a0", " ").strip()
    if cleaned in DASHES:
        if dash_is_zero:
            return Decimal("0")
        raise NumberError(f"'{shown}' is not a number; enter 0 for zero")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1].strip()
    if cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:].strip()
    for prefix in ("US$", "USD", "$"):
        if cleaned.upper().startswith(prefix):
            cleaned = cleaned[len(prefix):].strip()
            break
    if cleaned.upper().endswith("USD"):
        cleaned = cleaned[:-3].strip()
    if cleaned.startswith("-") and not negative:
        negative, cleaned = True, cleaned[1:].strip()
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    elif _EUROPEAN.match(cleaned) or re.fullmatch(r"\d+,\d{1,2}", cleaned):
        raise NumberError(
            f"'{shown}' is ambiguous: it looks like a comma decimal separator or dots as "
            "thousands separators; write it as 1234.56"
        )
    elif " " in cleaned and re.fullmatch(r"[\d ]+(\.\d+)?", cleaned):
        raise NumberError(f"'{shown}' uses spaces between digits; write it as 1234567.89")
    elif "," in cleaned and re.fullmatch(r"[\d,.]+", cleaned):
        raise NumberError(f"'{shown}' has misplaced thousands separators; write it as 1,234,567.89 or 1234567.89")
    if not _PLAIN.match(cleaned):
        raise NumberError(f"'{shown}' is not a number")
    try:
        result = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise NumberError(f"'{shown}' is not a number") from exc
    return -result if negative else result


class USDecimalField(forms.DecimalField):
    """A form's decimal field that reads ``number_from_text``'s spellings ("1,234.5"),
    then applies Django's checks (digits, places, bounds). A text input with the decimal
    keyboard: a browser's ``type="number"`` input refuses a comma before the server sees it."""

    widget = forms.TextInput

    def to_python(self, value):
        if isinstance(value, str) and value.strip() not in self.empty_values:
            try:
                value = str(number_from_text(value))
            except NumberError as exc:
                raise ValidationError(f"Enter a number: {exc}.", code="invalid") from exc
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["inputmode"] = "decimal"
        return attrs


class USDecimalModelField(models.DecimalField):
    """A model DecimalField whose forms (ModelForms, the admin) use ``USDecimalField``.
    Migrations see a plain ``models.DecimalField``: the column is the same."""

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", USDecimalField)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs

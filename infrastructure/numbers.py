"""Numbers as US users type them: one rule for every numeric form field, grid cell and
spreadsheet cell (``programs.importing.cells``).

Accepted: ``1234.5``, ``1,234.5`` and ``1,234,567`` (commas between groups of three),
a leading ``$``, ``US$`` or ``USD`` (or a trailing ``USD``), a minus sign, accounting
parentheses ``(1,234)`` for a negative number, surrounding spaces. Refused with a message
that names the problem and shows the user's own number written the US way when the
separators admit one reading (``written_as``; else a generic example): ``1.234,56`` and
``12,5`` (a comma as the decimal separator: ambiguous, "if you mean 12.5, ..."), misplaced
commas (``12,34,567``: "write it as 1,234,567 or 1234567"), spaces between digit groups
(``1 234``: "write it as 1,234 or 1234"), anything else that is not a number. Whether a
negative number is allowed, and the range, are the field's own rules (e.g.
``programs.models.moe_value_problem``).

Digits are 0-9 only (``foreign_digit_problem``): Python, Django and DRF read the digits
of every script (Arabic-Indic ``\u0661\u0662``, full-width ``\uff11``) as numbers, but US
staff type ASCII, so such a digit is most likely pasted from elsewhere and is refused
(quoted as typed, the message naming its code: ``infrastructure.text.typed_for_message``)
rather than saved as another number than the one on the screen. Whole numbers typed in forms use
``USIntegerField`` (fiscal years), the API's numbers ``api.serializers.fields``; the
dates, numbers and record choices of every form, filter and admin form are checked by
``infrastructure.forms``.

The API keeps its own spelling: its decimals are JSON strings in the plain machine
spelling its schema states (``api.schema.decimal_pattern``), as clients generate them.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .text import typed_for_message

DASHES = {"-", "\u2013", "\u2014", "--"}
_PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+)$", re.ASCII)
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
_EUROPEAN = re.compile(r"^\d{1,3}(\.\d{3})*,\d+$|^\d{1,3}(\.\d{3}){2,}$", re.ASCII)


class NumberError(ValueError):
    """Text that is not a number as US users write one; the message says why and how to
    write it."""


def foreign_digit_problem(raw: str, *, what: str = "number") -> str | None:
    """Why ``raw`` is not a number US staff typed when it holds a digit other than 0-9
    (any script's decimal digit: Arabic-Indic, Devanagari, full-width...), naming the
    first one by its code and position; None when it has none. ``what`` is named in the
    advice ("type the date with the digits 0-9"). Pure. The one definition for forms
    (``number_from_text``, ``USIntegerField``, ``infrastructure.forms``), the importer and the API."""
    typed = raw.strip()
    for position, char in enumerate(typed, start=1):
        if char.isdecimal() and not char.isascii():
            name = unicodedata.name(char, "").lower() or "a digit of another script"
            return (f"'{typed_for_message(typed)}' has the digit U+{ord(char):04X} ({name}) at position "
                    f"{position}; type the {what} with the digits 0-9")
    return None


_SPACED = re.compile(r"^\d{1,3}( \d{3})+(\.\d+)?$", re.ASCII)
# Commas in the wrong places that still only group digits: Indian grouping (12,34,567)
# or a group left unseparated (1234,567); the last group before the decimals has three.
_REGROUPABLE = re.compile(r"^\d+(,\d{2,3})*,\d{3}(\.\d+)?$", re.ASCII)
GENERIC_SPELLINGS = "1,234,567.89 or 1234567.89"


def written_as(number: str, *, negative: bool = False) -> str:
    """How to write ``number`` (ASCII digits, at most one ".") as US users do: grouped with
    commas and plain when it has four or more whole digits ("1,234.5 or 1234.5"), else
    as is ("12.5"); a leading minus sign with ``negative``. Pure."""
    whole, dot, fraction = number.partition(".")
    whole = whole.lstrip("0") or "0"
    sign = "-" if negative else ""
    plain = f"{sign}{whole}{dot}{fraction}"
    if len(whole) < 4:
        return plain
    return f"{sign}{int(whole):,}{dot}{fraction} or {plain}"


def _spelling_problem(cleaned: str, *, negative: bool) -> str | None:
    """What is wrong with ``cleaned`` (sign and currency removed) when it is digits
    separated in a way US users do not write, and how to write it: the user's own number
    when the separators admit one reading, else ``GENERIC_SPELLINGS``; None for any
    other text (plain numbers, and text that is no number at all)."""
    if _EUROPEAN.match(cleaned) or re.fullmatch(r"\d+,\d{1,2}", cleaned, re.ASCII):
        meant = written_as(cleaned.replace(".", "").replace(",", "."), negative=negative)
        if "," in cleaned:
            why = "a comma as the decimal separator" + (" and dots between digit groups" if "." in cleaned else "")
        else:
            why = "dots between digit groups"
        return (f"is ambiguous: it looks like it uses {why}; if you mean {meant.split(' or ')[-1]}, "
                f"write it as {meant}")
    if " " in cleaned and re.fullmatch(r"[\d ]+(\.\d+)?", cleaned, re.ASCII):
        if _SPACED.match(cleaned):
            return f"uses spaces between digit groups; write it as {written_as(cleaned.replace(' ', ''), negative=negative)}"
        return f"has spaces between digits; write a number without them, like {GENERIC_SPELLINGS}"
    if "," in cleaned and re.fullmatch(r"[\d,.]+", cleaned, re.ASCII):
        if _REGROUPABLE.match(cleaned):
            return f"has misplaced thousands separators; write it as {written_as(cleaned.replace(',', ''), negative=negative)}"
        return f"has misplaced thousands separators; write a number like {GENERIC_SPELLINGS}"
    return None


def number_from_text(raw: str, *, dash_is_zero: bool = False) -> Decimal:
    """The number ``raw`` spells (see the module docstring), or NumberError. A lone dash
    is zero with ``dash_is_zero`` (accountants' tables: the importer), else an error."""
    foreign = foreign_digit_problem(raw)
    if foreign:
        raise NumberError(foreign)
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
    else:
        problem = _spelling_problem(cleaned, negative=negative)
        if problem:
            raise NumberError(f"'{shown}' {problem}")
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


class _Digits09:
    """A form field that refuses digits other than 0-9 (``foreign_digit_problem``;
    Django's IntegerField reads "\u0662\u0660\u0662\u0667" as 2027) before Django
    parses the value and applies its checks."""

    refusal = "Enter a number"

    def to_python(self, value):
        if isinstance(value, str):
            problem = foreign_digit_problem(value)
            if problem:
                raise ValidationError(f"{self.refusal}: {problem}.", code="invalid")
        return super().to_python(value)


class USIntegerField(_Digits09, forms.IntegerField):
    """A form's whole-number field (fiscal years, ids), digits 0-9 only."""

    refusal = "Enter a whole number"


class PlainDecimalField(_Digits09, forms.DecimalField):
    """Django's DecimalField in its machine spelling ("2027", "1234.5": the filters' query
    parameters), digits 0-9 only."""


class _TypedFormField:
    """A model field whose forms (ModelForms, the admin) use ``typed_form_class``, while
    migrations see the plain Django field ``plain_path``: the column is the same."""

    typed_form_class: type[forms.Field]
    plain_path: str

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", self.typed_form_class)
        return super().formfield(**kwargs)

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, self.plain_path, args, kwargs


class USIntegerModelField(_TypedFormField, models.PositiveSmallIntegerField):
    """A small positive whole number (a fiscal year) whose forms use ``USIntegerField``."""

    typed_form_class = USIntegerField
    plain_path = "django.db.models.PositiveSmallIntegerField"


class USDecimalModelField(_TypedFormField, models.DecimalField):
    """A model DecimalField whose forms use ``USDecimalField``."""

    typed_form_class = USDecimalField
    plain_path = "django.db.models.DecimalField"

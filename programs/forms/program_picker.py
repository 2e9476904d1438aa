"""The program picker: one form field for choosing a program among tens of thousands.

The page renders only the chosen program, never the list: a text input of the program
code (which works without JavaScript), that ``static/js/portal.js`` turns into a Tom
Select box querying ``programs:program-pick`` (``programs.selectors.programs.program_search``)
as the user types. The field takes a program code (any case) or, for older links and
pinned reports (``?program=<id>``), a program id; an unknown code, an unknown id or a
program the picker does not offer (archived) is a field error naming the problem.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse_lazy

from ..models import Program
from ..selectors.programs import PICKABLE


class ProgramPickerInput(forms.TextInput):
    """A text input of the program code; ``data-program-picker`` gives the search
    endpoint to portal.js and ``data-program-label`` the chosen program's "code — title"."""

    def __init__(self, attrs: dict | None = None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        return value.code if isinstance(value, Program) else super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-program-picker"] = str(reverse_lazy("programs:program-pick"))
        if isinstance(value, Program):
            widget_attrs["data-program-label"] = program_label(value.code, value.title)
        return context


def program_label(code: str, title: str) -> str:
    """How a picker names a program: "code — title"."""
    return f"{code} — {title}"


class ProgramChoiceField(forms.Field):
    """A program, given by its code (or id); cleans to a :class:`Program` or ``None``.

    Whatever is entered costs one query, however many programs there are."""

    widget = ProgramPickerInput
    default_error_messages = {
        "unknown": "No program has the code “%(value)s”: type the program code, e.g. DOD-2026-0042.",
        "archived": "Program %(value)s is archived: choose a program in use.",
    }

    def __init__(self, *, help_text: str = "Type part of its code or title, then choose it (without JavaScript: "
                                           "the full code).", **kwargs):
        super().__init__(help_text=help_text, **kwargs)
        self._found: dict[str, Program | None] = {}

    def __deepcopy__(self, memo):
        # Each form copies its fields: its lookups are its own, never another request's.
        copied = super().__deepcopy__(memo)
        copied._found = {}
        return copied

    def _program(self, value: str) -> Program | None:
        """The program (annotated ``pickable``) whose code is ``value`` (as typed or in
        capitals: both use the code's unique index) or, for a number that is no code,
        whose id it is; looked up once per form."""
        if "\x00" in value or len(value) > 40:  # no code holds these (and PostgreSQL refuses NUL)
            return None
        if value not in self._found:
            match = Q(code__in={value, value.upper()})
            if value.isascii() and value.isdigit() and len(value) <= 9:
                match |= Q(pk=int(value))
            rows = sorted(
                Program.objects.filter(match).annotate(
                    pickable=ExpressionWrapper(PICKABLE, output_field=BooleanField()))[:3],
                key=lambda program: program.code.upper() != value.upper(),  # a code beats an id
            )
            self._found[value] = rows[0] if rows else None
        return self._found[value]

    def to_python(self, value) -> Program | None:
        if isinstance(value, Program):
            return value
        value = str(value or "").strip()
        if value in self.empty_values:
            return None
        program = self._program(value)
        if program is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value[:60]})
        if not program.pickable:
            raise ValidationError(self.error_messages["archived"], code="archived", params={"value": program.code})
        return program

    def prepare_value(self, value):
        """The chosen program for the widget (its code and label), or the text as typed."""
        if isinstance(value, Program) or value in self.empty_values:
            return value
        text = str(value).strip()
        return self._program(text) or text if text else None

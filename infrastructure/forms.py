"""The portal's form bases: every form, filter form and admin form refuses digits other
than 0-9 in its number, date, time and record-choice fields.

Django reads the digits of every script there (``forms.DateField`` takes
"\u0662\u0660\u0662\u0666-01-15" as Jan 15, 2026, ``forms.IntegerField`` and a
``ModelChoiceField``'s id "\u0661\u0662" as 12), so a pasted Arabic-Indic or full-width
digit was saved as a value the analyst never saw on the screen. The rule is
``infrastructure.numbers.foreign_digit_problem``; this module applies it to the fields
whose values are read as numbers (``DIGIT_FIELDS``), after Django's own cleaning, as the
field's error ("Enter a date: '...' has the digit U+0662 (arabic-indic digit two) at
position 1; ..."). Text fields keep any character a person may type.

Used by: the project's forms (``PortalForm``, ``PortalModelForm``), the FilterSets of the
pages and the API (``PortalFilterSet``, also the base of the API's generated FilterSets:
``api.filter_backend``) and the admin's forms (``infrastructure.admin_protection.
DigitsCheckedAdminMixin``).
"""
from __future__ import annotations

import django_filters
from django import forms

from .numbers import foreign_digit_problem

# Field kind -> what its refusal asks for, and what is typed (ModelChoiceField covers
# the multiple one: its values are ids).
DIGIT_FIELDS: tuple[tuple[type[forms.Field], str, str], ...] = (
    (forms.DateTimeField, "Enter a date and time", "date and time"),
    (forms.DateField, "Enter a date", "date"),
    (forms.TimeField, "Enter a time", "time"),
    (forms.IntegerField, "Enter a whole number", "number"),
    (forms.DecimalField, "Enter a number", "number"),
    (forms.FloatField, "Enter a number", "number"),
    (forms.DurationField, "Enter a duration", "duration"),
    (forms.ModelChoiceField, "Choose from the list", "id"),
)


def digits_problem(field: forms.Field, value: object) -> str | None:
    """The refusal of ``value`` (a field's raw data: a string, or a list of strings for a
    multiple choice or split widget) when ``field`` reads numbers from it and it holds a
    digit other than 0-9; None otherwise."""
    kind = next((kind for kind in DIGIT_FIELDS if isinstance(field, kind[0])), None)
    if kind is None:
        return None
    _, asked, what = kind
    for text in value if isinstance(value, (list, tuple)) else [value]:
        problem = foreign_digit_problem(text, what=what) if isinstance(text, str) else None
        if problem:
            return f"{asked}: {problem}."
    return None


class DigitsChecked:
    """A form mixin: after the fields are cleaned, a number, date or record-choice field
    whose raw value holds a digit other than 0-9 gets that as its error (``digits_problem``),
    and leaves ``cleaned_data``, so the form is invalid and nothing is saved."""

    def _clean_fields(self) -> None:
        super()._clean_fields()
        for name, bound in self._bound_items():
            if bound.field.disabled or name in self._errors:
                continue
            problem = digits_problem(bound.field, bound.data)
            if problem:
                self.add_error(name, forms.ValidationError(problem, code="invalid"))


def digits_checked(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """``form_class`` with ``DigitsChecked`` (for forms made by a framework: the admin's,
    django-filter's), keeping its name."""
    if issubclass(form_class, DigitsChecked):
        return form_class
    return type(form_class.__name__, (DigitsChecked, form_class), {"__module__": form_class.__module__})


class PortalForm(DigitsChecked, forms.Form):
    """The base of the portal's forms."""


class PortalModelForm(DigitsChecked, forms.ModelForm):
    """The base of the portal's model forms (and of the admin's)."""


class PortalFilterSet(django_filters.FilterSet):
    """The base of the FilterSets of pages and API: their form is ``DigitsChecked`` too."""

    def get_form_class(self):
        return digits_checked(super().get_form_class())

"""A service's ValidationError shown on the page's form (and formsets)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(form: forms.BaseForm, error: ValidationError, *, formsets: dict | None = None) -> None:
    """Put a service's ValidationError on the form: field keys on their fields, other keys
    (e.g. "funding") on the matching formset's non-form errors or as named form errors."""
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        elif field in formsets:
            formsets[field]._non_form_errors = formsets[field].error_class(
                list(formsets[field].non_form_errors()) + list(errors)
            )
        elif field == "__all__":
            form.add_error(None, errors)
        else:
            label = field.replace("_", " ").capitalize()
            form.add_error(None, [f"{label}: {message}" for message in errors])

"""Shared steps of the assessments pages."""
from __future__ import annotations

from functools import wraps

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render


def forbidden_page(view):
    """A readable 403 page when a permission check (in a view or a service) refuses."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "assessments/forbidden.html", {"reason": str(exc)}, status=403)

    return wrapper


def apply_service_errors(form: forms.Form, error: ValidationError, *, criterion_forms=()) -> None:
    """Put a service's ValidationError on the forms: ``score_<code>`` style keys on the
    criterion's form, known fields on their field, everything else as a form error."""
    by_code = {f.criterion.code: f for f in criterion_forms}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        field, _, code = key.partition("_")
        if key in form.fields:
            form.add_error(key, messages)
        elif code in by_code and field in ("score", "justification", "evidence"):
            by_code[code].add_error("evidence_url" if field == "evidence" else field, messages)
        else:
            form.add_error(None, messages)

"""A service's ValidationError shown on the assessment form and its criterion forms."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


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

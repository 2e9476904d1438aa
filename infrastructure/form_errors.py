"""A service's ValidationError shown on the page's form, its formsets and sub-forms: one
rule for every app's pages (the service names fields; the page puts each message where
its field is)."""
from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

from .versioning import StaleVersionError

# Maps an error key the form does not hold to (sub-form, field) or None: e.g. an
# assessment's "score_CT1" to the score field of criterion CT1's form.
ErrorRoute = Callable[[str], "tuple[forms.BaseForm, str] | None"]


def apply_service_errors(form: forms.BaseForm, error: ValidationError, *, formsets: dict | None = None,
                         route: ErrorRoute | None = None) -> None:
    """Put a service's ValidationError on the form: keys of the form's fields on their
    fields; keys ``route`` maps on that sub-form's field; keys naming a formset (e.g.
    "funding") on its non-form errors; "__all__" and messages without keys as form
    errors; any other key as a form error prefixed with its label ("Fiscal year: ...", a
    nested row's "targets.2.value": "Targets: ...")."""
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.message_dict.items():
        routed = route(field) if route is not None and field not in form.fields else None
        if field in form.fields:
            form.add_error(field, errors)
        elif routed is not None:
            routed[0].add_error(routed[1], errors)
        elif field in formsets:
            formsets[field]._non_form_errors = formsets[field].error_class(
                list(formsets[field].non_form_errors()) + list(errors)
            )
        elif field == "__all__":
            form.add_error(None, errors)
        else:
            label = field.split(".")[0].replace("_", " ").capitalize()  # "targets.2.value": "Targets"
            form.add_error(None, [f"{label}: {message}" for message in errors])


def stale_version_shown(error: StaleVersionError, form: forms.BaseForm | None = None) -> dict[str, object]:
    """What an edit page shows when its save met a newer version: the context entries
    ``stale_changes`` (who changed what since the user read it) and ``stale_message``.
    ``form`` (one with a ``version`` field), if given, keeps the user's input and takes the
    current version, so that saving again knowingly applies that input over it."""
    if form is not None:
        form.data = form.data.copy()
        form.data["version"] = str(error.current)
    return {"stale_changes": error.changes, "stale_message": str(error)}

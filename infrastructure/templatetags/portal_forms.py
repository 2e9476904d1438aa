"""The error summary at the top of a refused form (USWDS alert, GOV.UK pattern): every
error of the form and its formsets, each linking to its field by id."""
from __future__ import annotations

from django import forms, template

register = template.Library()


def _field_entries(form: forms.BaseForm, row: str = "") -> list[dict]:
    """Entries of one form; ``row`` names a formset row ("FY2026", "FY2027-Q1") ."""
    entries = [{"label": row, "message": str(error), "anchor": ""} for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        anchor = bound.id_for_label if not bound.is_hidden else ""
        label = f"{bound.label} ({row})" if row else str(bound.label)
        entries.extend({"label": label, "message": str(error), "anchor": anchor} for error in errors)
    return entries


def _row_name(row: forms.BaseForm, index: int) -> str:
    """A formset row by what it is about: its fiscal year or period when valid, else "" (the
    summary's link leads to the row)."""
    cleaned = getattr(row, "cleaned_data", None) or {}
    if cleaned.get("fiscal_year"):
        return f"FY{cleaned['fiscal_year']}"
    if cleaned.get("period"):
        return str(cleaned["period"])
    return ""  # the link leads to the row


def error_summary_entries(*forms_or_formsets) -> list[dict]:
    """One entry per error, in page order: ``{"label": "Planned (USD) (FY2026)",
    "message": "Ensure this value ...", "anchor": "id_funding-1-planned"}`` with
    label "Planned (USD) (FY2026)" for a formset row about FY2026 (``anchor``
    "" for an error of the whole form). Arguments that are not bound forms or formsets
    (a template variable the page does not have) are skipped."""
    entries: list[dict] = []
    flat = []
    for item in forms_or_formsets:  # a list of forms (one per criterion) counts as its forms
        flat.extend(item if isinstance(item, (list, tuple)) else [item])
    for item in flat:
        if isinstance(item, forms.BaseForm) and item.is_bound:
            entries.extend(_field_entries(item))
        elif isinstance(item, forms.BaseFormSet) and item.is_bound:
            entries.extend({"label": "", "message": str(e), "anchor": ""} for e in item.non_form_errors())
            for index, row in enumerate(item.forms, start=1):
                if row.errors:
                    entries.extend(_field_entries(row, row=_row_name(row, index)))
    return entries


@register.inclusion_tag("partials/error_summary.html", takes_context=True)
def error_summary(context, *forms_or_formsets, saves: bool = False) -> dict:
    """``{% error_summary form funding saves=True %}``: the summary, or nothing when all is
    well. Its heading says "Nothing was saved" only where a save was attempted and refused:
    a form that saves (``saves=True``: the page says so) posted with errors; a form that
    saves nothing (sign-in, a reset request, filters, report options) or any form sent by
    GET only lists its problems."""
    request = context.get("request")
    refused_save = saves and request is not None and request.method == "POST"
    return {"entries": error_summary_entries(*forms_or_formsets), "refused_save": refused_save}

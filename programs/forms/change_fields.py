"""Form pieces shared by every edit page: the optimistic-locking token and the rationale."""
from __future__ import annotations

from django import forms

from infrastructure.models import RationaleCategory
from infrastructure.numbers import foreign_digit_problem
from infrastructure.forms import PortalForm


class VersionField(forms.CharField):
    """The version the user read, sent back on save so that a stale save is refused."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


class RationaleMixin(PortalForm):
    """Why approved data changes: a category from the list plus free text (DESIGN.md)."""

    rationale_category = forms.ChoiceField(
        label="Reason for change",
        choices=[("", "—")] + list(RationaleCategory.choices),
        required=False,
        help_text="Required when approved data changes.",
    )
    rationale = forms.CharField(
        label="Explanation",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def version_int(value: str | None) -> int | None:
    """The integer version from the hidden field; a tampered value counts as stale (0)."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and foreign_digit_problem(value):  # int() reads any script's digits
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0

"""The token page's form: name, scope and lifetime of a new API token."""
from __future__ import annotations

from django import forms

from .models import TokenGrant
from .tokens import DEFAULT_TOKEN_DAYS, TOKEN_DAY_CHOICES, may_hold_write_token
from infrastructure.forms import PortalForm

READ, WRITE = "read", "write"


class TokenIssueForm(PortalForm):
    label = forms.CharField(
        label="Name", max_length=TokenGrant._meta.get_field("label").max_length,
        help_text="The system that will hold the token, e.g. \"DSCA FMS feed\".",
    )
    scope = forms.ChoiceField(
        label="Scope", widget=forms.RadioSelect, initial=READ,
        choices=[(READ, "Read-only"), (WRITE, "Read and write (your own rights still apply to every write)")],
    )
    days = forms.TypedChoiceField(
        label="Expires after", coerce=int, initial=DEFAULT_TOKEN_DAYS,
        choices=[(days, f"{days} days") for days in TOKEN_DAY_CHOICES],
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not may_hold_write_token(user):
            self.fields["scope"].choices = [(READ, "Read-only")]
            self.fields["scope"].help_text = "Your account has no role that writes: read-only tokens only."

"""Forms of the other records: partner institutions, implementing partners, vetting,
donor engagements, strategies and objectives."""
from __future__ import annotations

from django import forms

from ..fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from ..models import (
    Country,
    DonorEngagement,
    ImplementingPartner,
    Objective,
    PartnerInstitution,
    Region,
    Strategy,
    Vetting,
)
from ..services.records import RECORD_FIELDS
from .change_fields import RationaleMixin, VersionField
from .institution_picker import InstitutionChoiceField
from infrastructure.sorting import by_name
from infrastructure.forms import PortalModelForm

DATE = forms.DateInput(attrs={"type": "date"})


class RecordForm(RationaleMixin, PortalModelForm):
    """A record's fields, the version it read (optimistic locking) and an optional rationale."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and field.label and "fiscal year" in field.label.lower():
                field.widget.attrs.update(min=MIN_FISCAL_YEAR, max=MAX_FISCAL_YEAR)
        self.fields["rationale_category"].help_text = "Optional: why this record changes."

    def clean(self):
        """Name the field for rules the models hold as table constraints (a field with an
        error here is left out of the model's own constraint check)."""
        data = super().clean()
        start, end = data.get("start_fy"), data.get("end_fy")
        if start and end and end < start:
            self.add_error("end_fy", f"The end fiscal year (FY{end}) cannot be before the start fiscal year (FY{start}).")
        return data

    def service_data(self) -> dict:
        fields, m2m = RECORD_FIELDS[self._meta.model]
        return {name: self.cleaned_data[name] for name in (*fields, *m2m) if name in self.cleaned_data}


def _meta(model, **extra):
    fields, m2m = RECORD_FIELDS[model]
    return type("Meta", (), {"model": model, "fields": [*fields, *m2m], **extra})


class PartnerInstitutionForm(RecordForm):
    Meta = _meta(PartnerInstitution)


class ImplementingPartnerForm(RecordForm):
    Meta = _meta(ImplementingPartner)


class VettingForm(RecordForm):
    # Thousands of institutions: the picker, never an option for each.
    institution = InstitutionChoiceField(label="Institution")

    Meta = _meta(
        Vetting,
        widgets={"requested_on": DATE, "decided_on": DATE, "expires_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})},
    )

    def clean(self):
        data = super().clean()
        requested, decided, expires = data.get("requested_on"), data.get("decided_on"), data.get("expires_on")
        if data.get("status") in ("approved", "denied") and not decided and "decided_on" not in self.errors:
            self.add_error("decided_on", "An approval or denial needs the date it was decided.")
        if requested and decided and decided < requested:
            self.add_error("decided_on", "The decision cannot come before the request.")
        if expires and not decided and "decided_on" not in self.errors:
            self.add_error("expires_on", "An expiry date needs a decision date first.")
        elif expires and decided and expires < decided:
            self.add_error("expires_on", "The expiry cannot come before the decision.")
        return data


class DonorEngagementForm(RecordForm):
    Meta = _meta(DonorEngagement, widgets={"description": forms.Textarea(attrs={"rows": 3})})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_fy"].label = "Start fiscal year"
        self.fields["end_fy"].label = "End fiscal year"
        self.fields["amount_usd"].label = "Amount (USD)"


class StrategyForm(RecordForm):
    Meta = _meta(Strategy, widgets={"summary": forms.Textarea(attrs={"rows": 3})})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by(by_name())
        self.fields["country"].help_text = "For a country strategy."
        self.fields["region"].queryset = Region.objects.order_by("scheme", "code")
        self.fields["region"].help_text = "For a regional strategy."

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == "country" and not data.get("country"):
            self.add_error("country", "A country strategy names its country.")
        if scope == "country" and data.get("region"):
            self.add_error("region", "A country strategy has no region; clear it.")
        if scope == "regional" and not data.get("region"):
            self.add_error("region", "A regional strategy names its region.")
        if scope == "regional" and data.get("country"):
            self.add_error("country", "A regional strategy has no country; clear it.")
        return data


class ObjectiveForm(RecordForm):
    Meta = _meta(Objective, widgets={"description": forms.Textarea(attrs={"rows": 3})})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = Strategy.objects.filter(archived_at__isnull=True)

"""Program create/edit form, its inline funding rows, lifecycle and archive forms."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from infrastructure.numbers import USDecimalField, USIntegerField

from .. import permissions
from ..fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from ..models import (
    Agency,
    Country,
    ImplementingPartner,
    Program,
    funding_disbursed_error,
)
from ..selectors.country_scope import institutions_of_countries, objectives_of_countries
from ..services.programs import PROGRAM_FIELDS, PROGRAM_M2M_FIELDS, out_of_scope_message
from .change_fields import RationaleMixin, VersionField
from infrastructure.sorting import by_name
from infrastructure.forms import PortalForm, PortalModelForm
from infrastructure.text import typed_for_message

MONEY_MAX = Decimal("99999999999999.99")  # 16 digits, 2 decimals: the column's limit (USD)
NOT_A_CHOICE = "'%s' is not a valid choice; choose from the list."


class ScopedChoiceField(forms.ModelChoiceField):
    """A choice narrowed to the chosen countries: an id outside the list gets the field's
    ``invalid_choice`` message (the country rule's), one that is no id at all ("abc",
    from a hand-made post) is not a valid choice."""

    def to_python(self, value):
        if value not in self.empty_values and not (str(value).isascii() and str(value).isdigit()):
            raise ValidationError(NOT_A_CHOICE % typed_for_message(str(value)), code="invalid_choice")
        return super().to_python(value)


class ProgramForm(RationaleMixin, PortalModelForm):
    version = VersionField()

    class Meta:
        model = Program
        fields = list(PROGRAM_FIELDS) + list(PROGRAM_M2M_FIELDS)
        field_classes = {"long_term_objective": ScopedChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "sustainment_plan": forms.Textarea(attrs={"rows": 2}),
            "countries": forms.SelectMultiple(attrs={"size": 6}),
            "supporting_agencies": forms.SelectMultiple(attrs={"size": 4}),
            "goals": forms.SelectMultiple(attrs={"size": 6}),
            "sectors": forms.SelectMultiple(attrs={"size": 6}),
            "partner_institutions": forms.SelectMultiple(attrs={"size": 4}),
            "objectives": forms.SelectMultiple(attrs={"size": 4}),
            "implementing_partners": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["countries"].queryset = Country.objects.order_by(by_name())
        fields["lead_agency"].queryset = Agency.objects.order_by("code")
        if user is not None and user.agency_id and not permissions.is_administrator(user):
            # Analysts lead programs of their own agency only (the services enforce it too).
            fields["lead_agency"].queryset = Agency.objects.filter(pk=user.agency_id)
        fields["implementing_partners"].queryset = ImplementingPartner.objects.filter(archived_at__isnull=True)
        self._narrow_to_countries()
        fields["countries"].help_text = "One, or several for a regional program: type to search, choose each."
        fields["start_fy"].widget.attrs.update(min=MIN_FISCAL_YEAR, max=MAX_FISCAL_YEAR)
        fields["end_fy"].widget.attrs.update(min=MIN_FISCAL_YEAR, max=MAX_FISCAL_YEAR)
        # Field order: the program first, then why it changes.
        self.order_fields([*PROGRAM_FIELDS, *PROGRAM_M2M_FIELDS, "rationale_category", "rationale", "version"])
        if self.instance.pk is None and user is not None and user.agency_id and not self.is_bound:
            self.initial.setdefault("lead_agency", user.agency_id)

    def chosen_country_ids(self) -> list[int]:
        """The countries chosen in the submitted data, else the program's (ids)."""
        if self.is_bound:
            return [int(v) for v in self.data.getlist("countries") if v.isascii() and v.isdigit() and len(v) <= 9]
        if self.instance.pk:
            return list(self.instance.countries.values_list("pk", flat=True))
        return [int(v) for v in self.initial.get("countries", []) if str(v).isdigit()]

    def _narrow_to_countries(self) -> None:
        """Objectives, the long-term objective and partner institutions: only those of the
        chosen countries are offered (the rule itself is the service's,
        ``check_country_scope``, on every path: form, API, importer); the countries list
        reloads them as it changes (htmx, ``program_country_options``)."""
        fields, ids = self.fields, self.chosen_country_ids()
        program = self.instance if self.instance.pk else None
        kept = list(program.objectives.values_list("pk", flat=True)) if program else []
        fields["objectives"].queryset = objectives_of_countries(ids, keep=kept)
        fields["long_term_objective"].queryset = objectives_of_countries(
            ids, keep=[program.long_term_objective_id] if program and program.long_term_objective_id else [])
        fields["partner_institutions"].queryset = institutions_of_countries(
            ids, keep=program.partner_institutions.values_list("pk", flat=True) if program else [])
        for name, noun in (("objectives", "objective"), ("long_term_objective", "objective"),
                           ("partner_institutions", "partner institution")):
            fields[name].error_messages["invalid_choice"] = out_of_scope_message(noun)
            fields[name].error_messages["invalid_pk_value"] = NOT_A_CHOICE % "%(pk)s"  # "abc" is no id at all
            fields[name].help_text = f"Only {noun}s of the chosen countries{' (and their regions)' if noun == 'objective' else ''} are listed."
        fields["countries"].widget.attrs.update({
            "hx-get": reverse("programs:program-country-options"),
            "hx-trigger": "change",
            "hx-include": "[name=countries],[name=objectives],[name=long_term_objective],[name=partner_institutions]",
            "hx-select-oob": "#id_objectives,#id_long_term_objective,#id_partner_institutions",
            "hx-swap": "none",
        })

    def clean(self):
        data = super().clean()
        start, end = data.get("start_fy"), data.get("end_fy")
        if start and end and end < start:
            self.add_error("end_fy", f"The end fiscal year (FY{end}) cannot be before the start fiscal year (FY{start}).")
        return data

    def service_data(self) -> dict:
        """The cleaned program fields and memberships, as the services take them."""
        return {name: self.cleaned_data[name] for name in (*PROGRAM_FIELDS, *PROGRAM_M2M_FIELDS) if name in self.cleaned_data}


class FundingRowForm(PortalForm):
    """Planned, obligated and disbursed US dollars of one fiscal year."""

    fiscal_year = USIntegerField(
        label="Fiscal year", required=False, min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )
    planned = USDecimalField(label="Planned (USD)", required=False, min_value=0, max_value=MONEY_MAX, decimal_places=2)
    obligated = USDecimalField(label="Obligated (USD)", required=False, min_value=0, max_value=MONEY_MAX, decimal_places=2)
    disbursed = USDecimalField(label="Disbursed (USD)", required=False, min_value=0, max_value=MONEY_MAX, decimal_places=2)

    def clean(self):
        data = super().clean()
        amounts = [data.get(name) for name in ("planned", "obligated", "disbursed")]
        if data.get("fiscal_year") is None and any(a is not None for a in amounts) and not self.errors:
            self.add_error("fiscal_year", "Enter the fiscal year of these amounts.")
        problem = funding_disbursed_error(data.get("obligated") or Decimal("0"), data.get("disbursed") or Decimal("0"))
        if problem and not self.has_error("disbursed"):
            self.add_error("disbursed", problem)
        return data


class BaseFundingFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            fy = form.cleaned_data.get("fiscal_year")
            if fy is None:
                continue
            if fy in seen:
                raise forms.ValidationError(f"Funding: FY{fy} appears twice; enter each fiscal year once.")
            seen.add(fy)

    def service_rows(self) -> list[dict]:
        return [
            {
                "fiscal_year": form.cleaned_data["fiscal_year"],
                "planned": form.cleaned_data.get("planned") or Decimal("0"),
                "obligated": form.cleaned_data.get("obligated") or Decimal("0"),
                "disbursed": form.cleaned_data.get("disbursed") or Decimal("0"),
            }
            for form in self.forms
            if form.cleaned_data.get("fiscal_year") is not None
        ]


FundingFormSet = forms.formset_factory(
    FundingRowForm, formset=BaseFundingFormSet, extra=2, max_num=120, validate_max=True, absolute_max=200
)


def funding_initial(program: Program | None) -> list[dict]:
    if program is None or program.pk is None:
        return []
    return [
        {"fiscal_year": f.fiscal_year, "planned": f.planned, "obligated": f.obligated, "disbursed": f.disbursed}
        for f in program.funding.order_by("fiscal_year")
    ]


class TransitionForm(PortalForm):
    """A lifecycle action with who (the user), when (now) and why (the reason)."""

    action = forms.CharField(max_length=20)
    reason = forms.CharField(label="Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class ArchiveForm(PortalForm):
    reason = forms.CharField(label="Reason", max_length=1000, required=False)
    version = VersionField()


"""The scenario form: one line per envelope, minimum, ceiling and restriction, amounts in
$M; parsed here into the services' entries (US dollars), checked there."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

from infrastructure.numbers import USDecimalField
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

from .models import DEFAULT_CEILING_MULTIPLE, Scenario
from .services import MILLION

TIER_PREFIX = "tier "


def _pairs(text: str, field: str, expected: str) -> list[tuple[int, str, str]]:
    """Non-blank lines as (line number, left, right), split at the last comma."""
    pairs, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        left, comma, right = line.rpartition(",")
        if not comma or not left.strip() or not right.strip():
            errors.append(f"line {number}: '{line.strip()}' is not '{expected}'.")
        else:
            pairs.append((number, left.strip(), right.strip()))
    if errors:
        raise forms.ValidationError(errors, code=field)
    return pairs


def _dollars(number: int, text: str) -> Decimal:
    try:
        amount = Decimal(text.replace("$", "").replace(" ", "").replace("_", ""))
    except InvalidOperation:
        raise forms.ValidationError(f"line {number}: '{text}' is not an amount in $M.") from None
    if not amount.is_finite():
        raise forms.ValidationError(f"line {number}: '{text}' is not an amount in $M.")
    return amount * MILLION


def _musd(amount: Decimal) -> str:
    return f"{(amount / MILLION).normalize():f}"


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=200)
    fiscal_year = forms.IntegerField(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    ceiling_multiple = USDecimalField(
        label="Default ceiling multiple", min_value=0, max_digits=6, decimal_places=2,
        initial=DEFAULT_CEILING_MULTIPLE,
        help_text="A country's default ceiling: this multiple of its average yearly obligations over the "
                  "three previous fiscal years (never below its commitments).",
    )
    envelopes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One line per funding account: account, amount in $M (e.g. 'INCLE, 120').",
    )
    minimums = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One line per country or tier: ISO3 or 'tier N', minimum total in $M (e.g. 'KEN, 5' or 'tier 1, 2').",
    )
    ceilings = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One line per country whose ceiling you set: ISO3, ceiling in $M (replaces the default).",
    )
    restrictions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One line per restriction: ISO3, account (no new money from that account; commitments stand).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_envelopes(self) -> list[dict]:
        pairs = _pairs(self.cleaned_data["envelopes"], "envelopes", "account, amount in $M")
        return [{"account": left, "amount": _dollars(n, right)} for n, left, right in pairs]

    def clean_minimums(self) -> list[dict]:
        entries = []
        for number, left, right in _pairs(self.cleaned_data["minimums"], "minimums", "ISO3 or tier N, amount in $M"):
            key = {"tier": left[len(TIER_PREFIX):].strip()} if left.lower().startswith(TIER_PREFIX) else {"country": left}
            entries.append({**key, "amount": _dollars(number, right)})
        return entries

    def clean_ceilings(self) -> list[dict]:
        pairs = _pairs(self.cleaned_data["ceilings"], "ceilings", "ISO3, amount in $M")
        return [{"country": left, "amount": _dollars(n, right)} for n, left, right in pairs]

    def clean_restrictions(self) -> list[dict]:
        pairs = _pairs(self.cleaned_data["restrictions"], "restrictions", "ISO3, account")
        return [{"country": left, "account": right} for _, left, right in pairs]

    @classmethod
    def initial_for(cls, scenario: Scenario) -> dict:
        """The form's text for a stored scenario (its inputs prefetched)."""
        return {
            "name": scenario.name,
            "fiscal_year": scenario.fiscal_year,
            "ceiling_multiple": scenario.ceiling_multiple,
            "version": scenario.version,
            "envelopes": "\n".join(f"{e.account}, {_musd(e.amount)}" for e in scenario.envelopes.all()),
            "minimums": "\n".join(
                f"{f'tier {m.tier}' if m.tier else m.country.iso3}, {_musd(m.amount)}" for m in scenario.minimums.all()),
            "ceilings": "\n".join(f"{c.country.iso3}, {_musd(c.amount)}" for c in scenario.ceilings.all()),
            "restrictions": "\n".join(f"{r.country.iso3}, {r.account}" for r in scenario.restrictions.all()),
        }


class CompareForm(forms.Form):
    """Two scenarios (the current plan of the first one's year comes with them)."""

    first = forms.ModelChoiceField(queryset=Scenario.objects.order_by("-fiscal_year", "name"))
    second = forms.ModelChoiceField(queryset=Scenario.objects.order_by("-fiscal_year", "name"))

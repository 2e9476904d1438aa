"""The scenario form: one line per envelope, minimum, ceiling and restriction, amounts in
$M; parsed here into the services' entries (US dollars), checked there.

A line is two parts separated by a colon: ``INCLE: 1,200``, ``tier 1: 2.5``, ``KEN: INCLE``.
A comma separated them, so an amount typed as US staff write it ("1,200") could not be
told from the separator ("INCLE, 1,200" read as account "INCLE, 1" with $200 M). A
colon is in no number; the amount is the text after the line's last colon (an account
name may hold one), read by the portal's one parser of typed numbers
(``infrastructure.numbers.number_from_text``)."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from infrastructure.numbers import NumberError, USDecimalField, USIntegerField, number_from_text
from infrastructure.text import typed_for_message
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

from .models import DEFAULT_CEILING_MULTIPLE, Scenario
from .services import MILLION
from infrastructure.forms import PortalForm

TIER_PREFIX = "tier "


SEPARATOR = ":"


def _pairs(text: str, field: str, expected: str, example: str, *, amount: bool = True) -> list[tuple[int, str, str]]:
    """Non-blank lines as (line number, left, right), split at the colon: the last one
    when the right part is an amount (no number holds one), else the first (an ISO3 code
    holds none). Every bad line is reported, by number."""
    pairs, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        left, colon, right = line.rpartition(SEPARATOR) if amount else line.partition(SEPARATOR)
        if not colon or not left.strip() or not right.strip():
            errors.append(f"line {number}: '{typed_for_message(line.strip())}' is not '{expected}'; "
                          f"separate the two with a colon, e.g. '{example}'.")
        else:
            pairs.append((number, left.strip(), right.strip()))
    if errors:
        raise forms.ValidationError(errors, code=field)
    return pairs


def _dollars(number: int, text: str) -> Decimal:
    """US dollars from an amount typed in $M ("1,200.5", "$12")."""
    try:
        return number_from_text(text) * MILLION
    except NumberError as exc:
        raise forms.ValidationError(f"line {number}: the amount in $M: {exc}.") from None


def _musd(amount: Decimal) -> str:
    return f"{(amount / MILLION).normalize():,f}"


class ScenarioForm(PortalForm):
    name = forms.CharField(max_length=200)
    fiscal_year = USIntegerField(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    ceiling_multiple = USDecimalField(
        label="Default ceiling multiple", min_value=0, max_digits=6, decimal_places=2,
        initial=DEFAULT_CEILING_MULTIPLE,
        help_text="A country's default ceiling: this multiple of its average yearly obligations over the "
                  "three previous fiscal years (never below its commitments).",
    )
    envelopes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One line per funding account: account, a colon, amount in $M (e.g. 'INCLE: 1,200').",
    )
    minimums = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One line per country or tier: ISO3 or 'tier N', a colon, minimum total in $M "
                  "(e.g. 'KEN: 5' or 'tier 1: 2.5').",
    )
    ceilings = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One line per country whose ceiling you set: ISO3, a colon, ceiling in $M (replaces the "
                  "default; e.g. 'COL: 10').",
    )
    restrictions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One line per restriction: ISO3, a colon, account (no new money from that account; "
                  "commitments stand; e.g. 'KEN: FMF').",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_envelopes(self) -> list[dict]:
        pairs = _pairs(self.cleaned_data["envelopes"], "envelopes", "account: amount in $M", "INCLE: 1,200")
        return [{"account": left, "amount": _dollars(n, right)} for n, left, right in pairs]

    def clean_minimums(self) -> list[dict]:
        entries = []
        for number, left, right in _pairs(self.cleaned_data["minimums"], "minimums", "ISO3 or tier N: amount in $M",
                                          "KEN: 5"):
            key = {"tier": left[len(TIER_PREFIX):].strip()} if left.lower().startswith(TIER_PREFIX) else {"country": left}
            entries.append({**key, "amount": _dollars(number, right)})
        return entries

    def clean_ceilings(self) -> list[dict]:
        pairs = _pairs(self.cleaned_data["ceilings"], "ceilings", "ISO3: amount in $M", "COL: 10")
        return [{"country": left, "amount": _dollars(n, right)} for n, left, right in pairs]

    def clean_restrictions(self) -> list[dict]:
        pairs = _pairs(self.cleaned_data["restrictions"], "restrictions", "ISO3: account", "KEN: FMF", amount=False)
        return [{"country": left, "account": right} for _, left, right in pairs]

    @classmethod
    def initial_for(cls, scenario: Scenario) -> dict:
        """The form's text for a stored scenario (its inputs prefetched)."""
        return {
            "name": scenario.name,
            "fiscal_year": scenario.fiscal_year,
            "ceiling_multiple": scenario.ceiling_multiple,
            "version": scenario.version,
            "envelopes": "\n".join(f"{e.account}: {_musd(e.amount)}" for e in scenario.envelopes.all()),
            "minimums": "\n".join(
                f"{f'tier {m.tier}' if m.tier else m.country.iso3}: {_musd(m.amount)}" for m in scenario.minimums.all()),
            "ceilings": "\n".join(f"{c.country.iso3}: {_musd(c.amount)}" for c in scenario.ceilings.all()),
            "restrictions": "\n".join(f"{r.country.iso3}: {r.account}" for r in scenario.restrictions.all()),
        }


class CompareForm(PortalForm):
    """Two scenarios (the current plan of the first one's year comes with them)."""

    first = forms.ModelChoiceField(queryset=Scenario.objects.order_by("-fiscal_year", "name"))
    second = forms.ModelChoiceField(queryset=Scenario.objects.order_by("-fiscal_year", "name"))

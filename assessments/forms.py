"""Forms of the assessments pages: parse and validate input; services write."""
from __future__ import annotations

from collections.abc import Iterable

from django import forms

from programs.forms.change_fields import VersionField, version_int
from programs.models import Country, CountryPriorityTier, PlanningCycle, PriorityTier

from .models import Criterion
from infrastructure.sorting import by_name
from infrastructure.forms import PortalForm

SCORE_CHOICES = [
    ("", "Choose a score"),
    (1, "1: very weak"),
    (2, "2: weak"),
    (3, "3: adequate"),
    (4, "4: strong"),
    (5, "5: very strong"),
]


class AssessmentForm(PortalForm):
    """The assessment's own fields; criterion scores come in one CriterionScoreForm each."""

    country = forms.ModelChoiceField(queryset=Country.objects.order_by(by_name()))
    assessed_on = forms.DateField(
        label="Date assessed", widget=forms.DateInput(attrs={"type": "date"}), help_text="YYYY-MM-DD"
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence_links = forms.CharField(
        label="Evidence links", widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text="One link (URL) per line.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["country"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]


class CriterionScoreForm(PortalForm):
    """A 1-5 score and its justification for one criterion (prefixed by the criterion code)."""

    score = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, empty_value=None)
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(label="Evidence link", required=False, assume_scheme="https")

    def __init__(self, *args, criterion: Criterion, **kwargs) -> None:
        kwargs.setdefault("prefix", criterion.code)
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        self.fields["score"].label = f"{criterion.name}: score (1-5)"
        self.fields["justification"].label = f"{criterion.name}: justification"
        if criterion.description:
            self.fields["score"].help_text = criterion.description


def criterion_forms(criteria, data=None, initial_scores=None) -> list[CriterionScoreForm]:
    initial_scores = initial_scores or {}
    return [
        CriterionScoreForm(data, criterion=criterion, initial=initial_scores.get(criterion.id))
        for criterion in criteria
    ]


class ReturnForm(PortalForm):
    reason = forms.CharField(label="Reason for returning", widget=forms.Textarea(attrs={"rows": 2}))


class PriorityTierForm(PortalForm):
    """A tier for one planning cycle. The page lists the country's decisions, so the form
    carries the version of each (``version_<cycle id>``): the version of the chosen
    cycle's decision is the one the manager read (none: they saw no decision for it)."""

    cycle = forms.ModelChoiceField(label="Planning cycle", queryset=PlanningCycle.objects.order_by("-fiscal_year"))
    tier = forms.TypedChoiceField(choices=[("", "Choose a tier")] + list(PriorityTier.choices), coerce=int)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, decisions: Iterable[CountryPriorityTier] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for decision in decisions:
            self.fields[f"version_{decision.cycle_id}"] = VersionField(initial=decision.version)

    def version_read(self, cycle: PlanningCycle) -> int | None:
        """The version of ``cycle``'s decision as the page showed it (None: no decision shown)."""
        return version_int(self.data.get(f"version_{cycle.pk}"))

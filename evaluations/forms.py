"""Forms of the evaluations pages (parsing only; the services validate and save)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from programs.models import RUNNING_STATUSES, Country, Program, ReviewDecision

from .models import Evaluation, FollowUpStatus

DATE = forms.DateInput(attrs={"type": "date"})


class EvaluationForm(forms.ModelForm):
    program = forms.ModelChoiceField(queryset=Program.objects.filter(archived_at__isnull=True).order_by("code"))
    documents = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One document per line: title | https://link",
    )

    class Meta:
        model = Evaluation
        fields = ["program", "evaluation_type", "title", "evaluator", "is_independent", "started_on",
                  "completed_on", "rating", "findings"]
        widgets = {"started_on": DATE, "completed_on": DATE, "findings": forms.Textarea(attrs={"rows": 5})}

    def clean_documents(self) -> list[tuple[str, str]]:
        rows = []
        for number, line in enumerate((self.cleaned_data.get("documents") or "").splitlines(), start=1):
            if not line.strip():
                continue
            title, _, url = line.rpartition("|")
            title, url = title.strip(), url.strip()
            if not title:
                raise ValidationError(f"Line {number}: write 'title | link'.")
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError as exc:
                raise ValidationError(f"Line {number}: '{url}' is not a web link.") from exc
            rows.append((title, url))
        return rows

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("program", "documents")}


class RecommendationForm(forms.Form):
    text = forms.CharField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(max_length=200)
    due_on = forms.DateField(label="Due on", widget=DATE)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(choices=FollowUpStatus.choices, label="Follow-up status")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")


class CrisisEventForm(forms.Form):
    country = forms.ModelChoiceField(queryset=Country.objects.order_by("name"))
    title = forms.CharField(max_length=250)
    occurred_on = forms.DateField(label="Occurred on", widget=DATE)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CrisisCloseForm(forms.Form):
    closed_on = forms.DateField(label="Closed on", widget=DATE)


class AcknowledgeForm(forms.Form):
    check_name = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Acknowledgement note")


class ReviewDecisionForm(forms.Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("", "— choose —"), *ReviewDecision.choices])
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class TargetVsActualForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=Program.objects.filter(archived_at__isnull=True).order_by("code"), required=False
    )
    country = forms.ModelChoiceField(
        queryset=Country.objects.filter(programs__status__in=RUNNING_STATUSES).distinct().order_by("name"),
        required=False,
    )


class FindingFilterForm(forms.Form):
    """Filters of the coordination findings: country (ISO3), lead agency (code), kind."""

    country = forms.ChoiceField(required=False, label="Country")
    agency = forms.ChoiceField(required=False, label="Agency")
    kind = forms.ChoiceField(required=False, label="Kind of finding")

    def __init__(self, *args, **kwargs):
        from programs.models import Agency, Country

        from .selectors.coordination import CHECKS

        super().__init__(*args, **kwargs)
        self.fields["country"].choices = lambda: [("", "Any country")] + list(
            Country.objects.filter(programs__isnull=False).distinct().order_by("name").values_list("iso3", "name"))
        self.fields["agency"].choices = lambda: [("", "Any agency")] + [
            (c, c) for c in Agency.objects.order_by("code").values_list("code", flat=True)]
        self.fields["kind"].choices = [("", "Any kind")] + [(name, title) for name, (title, _) in CHECKS.items()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "usa-select"

"""Forms of the evaluations pages (parsing only; the services validate and save)."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from infrastructure.numbers import USIntegerField
from programs.fiscal import Period
from programs.forms.change_fields import VersionField
from programs.forms.program_picker import ProgramChoiceField
from programs.models import RUNNING_STATUSES, Country, Goal, Region, ReviewDecision

from .models import Evaluation, FollowUpStatus
from .selectors.iptt import FREQUENCIES, GROUPINGS, HIDEABLE, IpttOptions
from infrastructure.sorting import by_name
from infrastructure.forms import PortalForm, PortalModelForm

DATE = forms.DateInput(attrs={"type": "date"})


class EvaluationForm(PortalModelForm):
    program = ProgramChoiceField()
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


class RecommendationForm(PortalForm):
    text = forms.CharField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(max_length=200)
    due_on = forms.DateField(label="Due on", widget=DATE)


class FollowUpForm(PortalForm):
    status = forms.ChoiceField(choices=FollowUpStatus.choices, label="Follow-up status")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")
    version = VersionField()


class CrisisEventForm(PortalForm):
    country = forms.ModelChoiceField(queryset=Country.objects.order_by(by_name()))
    title = forms.CharField(max_length=250)
    occurred_on = forms.DateField(label="Occurred on", widget=DATE)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CrisisCloseForm(PortalForm):
    closed_on = forms.DateField(label="Closed on", widget=DATE)


class AcknowledgeForm(PortalForm):
    check_name = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Acknowledgement note")


class ReviewDecisionForm(PortalForm):
    review = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("", "— choose —"), *ReviewDecision.choices])
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class TargetVsActualForm(PortalForm):
    """The report's subject (exactly one of program, country, region, goal) and layout
    (parsing only; :class:`evaluations.selectors.iptt.IpttOptions` holds the result)."""

    program = ProgramChoiceField(required=False)
    country = forms.ModelChoiceField(
        queryset=Country.objects.filter(programs__status__in=RUNNING_STATUSES).distinct().order_by(by_name()),
        required=False,
    )
    region = forms.ModelChoiceField(queryset=Region.objects.order_by("scheme", "code"), required=False,
                                    label="Region (bureau or command)")
    goal = forms.ModelChoiceField(queryset=Goal.objects.order_by("sort_order", "code"), required=False)
    frequency = forms.ChoiceField(choices=list(FREQUENCIES.items()), required=False, initial="own")
    last = USIntegerField(label="Most recent periods", min_value=1, max_value=80, required=False,
                              help_text="Leave empty for all, or give a range below.")
    start = forms.CharField(label="From period", max_length=10, required=False, help_text="e.g. FY2025-Q1")
    end = forms.CharField(label="To period", max_length=10, required=False, help_text="e.g. FY2026")
    group_by = forms.ChoiceField(label="Group by", choices=list(GROUPINGS.items()), required=False,
                                 initial="program")
    hide = forms.MultipleChoiceField(label="Hide columns", choices=list(HIDEABLE.items()), required=False,
                                     widget=forms.CheckboxSelectMultiple)
    disaggregate = forms.BooleanField(label="Disaggregation rows", required=False)
    charts = forms.BooleanField(label="Charts", required=False)
    page = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    SUBJECTS = ("program", "country", "region", "goal")

    def _clean_period(self, name: str) -> str:
        code = self.cleaned_data.get(name) or ""
        if not code:
            return ""
        try:
            return Period.parse(code).code
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_start(self) -> str:
        return self._clean_period("start")

    def clean_end(self) -> str:
        return self._clean_period("end")

    def clean(self) -> dict:
        data = super().clean()
        chosen = [name for name in self.SUBJECTS if data.get(name)]
        if len(chosen) > 1:
            raise ValidationError(f"Choose one of program, country, region or goal, not {' and '.join(chosen)}.")
        if not chosen and not self.errors:
            raise ValidationError("Choose a program, a country, a region or a goal.")
        start, end = data.get("start"), data.get("end")
        if start and end and Period.parse(start).start > Period.parse(end).end:
            self.add_error("end", f"{end} ends before {start} begins.")
        if data.get("last") and (start or end):
            self.add_error("last", "Give either the most recent periods or a range, not both.")
        return data

    @property
    def subject(self):
        return next(self.cleaned_data[name] for name in self.SUBJECTS if self.cleaned_data.get(name))

    def options(self, **extra) -> IpttOptions:
        data = self.cleaned_data
        return IpttOptions(
            frequency=data.get("frequency") or "own", last=data.get("last"), start=data.get("start") or None,
            end=data.get("end") or None, group_by=data.get("group_by") or "program",
            hidden=frozenset(data.get("hide") or ()), disaggregate=bool(data.get("disaggregate")),
            charts=bool(data.get("charts")), page=data.get("page") or 1, **extra,
        )


class PinnedReportForm(PortalForm):
    name = forms.CharField(label="Name of the pinned report", max_length=120)


class FindingFilterForm(PortalForm):
    """Filters of the coordination findings: country (ISO3), lead agency (code), kind."""

    country = forms.ChoiceField(required=False, label="Country")
    agency = forms.ChoiceField(required=False, label="Agency")
    kind = forms.ChoiceField(required=False, label="Kind of finding")

    def __init__(self, *args, **kwargs):
        from programs.models import Agency, Country

        from .selectors.coordination import CHECKS

        super().__init__(*args, **kwargs)
        self.fields["country"].choices = lambda: [("", "Any country")] + list(
            Country.objects.filter(programs__isnull=False).distinct().order_by(by_name()).values_list("iso3", "name"))
        self.fields["agency"].choices = lambda: [("", "Any agency")] + [
            (c, c) for c in Agency.objects.order_by("code").values_list("code", flat=True)]
        self.fields["kind"].choices = [("", "Any kind")] + [(name, title) for name, (title, _) in CHECKS.items()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "usa-select"

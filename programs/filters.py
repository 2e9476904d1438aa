"""FilterSets over the programs app's selectors, shared by the pages, exports and the API.

Query parameters (all optional):
  country=<iso3 or id>, region=<region code of either scheme, e.g. AF or AFRICOM, or id>,
  agency=<agency code or id, lead or supporting>, goal=<goal code, e.g. 1 (with its
  sub-goals 1.a, 1.b, ...) or 1.a>, sector=<DAC code>, status=<ProgramStatus>,
  fiscal_year=<FY active in: start_fy <= fy <= end_fy>, surge=true|false, q=<text in
  code, title or description>, archived=exclude (default) | include | only,
  updated_since=<ISO datetime>, ordering=<field, "-" for descending>.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django_filters.fields import IsoDateTimeField

from infrastructure.form_rendering import InlineSelect
from infrastructure.numbers import PlainDecimalField

from .fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, Period
from .models import (
    Agency,
    Country,
    DonorEngagement,
    Goal,
    Measurement,
    MeasurementStatus,
    MoeKind,
    measured_period_problem,
    ImplementingPartner,
    ImplementingPartnerKind,
    InstitutionLevel,
    InstitutionNature,
    InstitutionType,
    Objective,
    PartnerInstitution,
    Program,
    ProgramStatus,
    Region,
    RegionScheme,
    Sector,
    Strategy,
    StrategyScope,
    Vetting,
    VettingStatus,
)
from .forms.pickers import is_record_id
from .forms.program_picker import ProgramChoiceField
from .selectors.programs import program_list_queryset
from infrastructure.sorting import by_name
from infrastructure.forms import PortalFilterSet

ARCHIVED_CHOICES = (("exclude", "Hide archived"), ("include", "Include archived"), ("only", "Archived only"))
PROGRAM_ORDERING = (
    ("code", "code"),
    ("title", "title"),
    ("lead_agency__code", "agency"),
    ("status", "status"),
    ("start_fy", "start_fy"),
    ("end_fy", "end_fy"),
    ("total_planned", "planned"),
    ("total_obligated", "obligated"),
    ("updated_at", "updated_at"),
)


def countries_matching(value: str) -> QuerySet[Country]:
    """The country named by ``value``: its id (digits) or ISO3 code (any case); none
    when unknown. One definition for every filter that takes a country."""
    value = value.strip()
    return Country.objects.filter(Q(pk=int(value)) if is_record_id(value) else Q(iso3__iexact=value))


def regions_matching(value: str) -> QuerySet[Region]:
    """The region named by ``value``: its id or code of either scheme (AF, AFRICOM)."""
    value = value.strip()
    return Region.objects.filter(Q(pk=int(value)) if is_record_id(value) else Q(code__iexact=value))


def agencies_matching(value: str) -> QuerySet[Agency]:
    """The agency named by ``value``: its id or code (any case)."""
    value = value.strip()
    return Agency.objects.filter(Q(pk=int(value)) if is_record_id(value) else Q(code__iexact=value))


def goals_matching(value: str) -> QuerySet[Goal]:
    """The goal of code ``value`` (any case) and, for a principal goal, its sub-goals."""
    value = value.strip()
    return Goal.objects.filter(Q(code__iexact=value) | Q(parent__code__iexact=value))


def sectors_matching(value: str) -> QuerySet[Sector]:
    """The sector of DAC code ``value``."""
    return Sector.objects.filter(dac_code=value.strip())


class CodeField(forms.CharField):
    """A code or id naming rows of a table (``matching(value)``); cleaned to the stripped
    value, or "" for any. A value that names no row is the field's error (``unknown(value)``),
    so a page shows it on the field, a download answers 400 and the API a 400 naming the
    filter, instead of an empty list (one query when given)."""

    def __init__(self, *, matching: Callable[[str], QuerySet], unknown: Callable[[str], str], **kwargs):
        self.matching, self.unknown = matching, unknown
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value and not self.matching(value).exists():
            raise forms.ValidationError(self.unknown(value), code="unknown")
        return value


class NumberFilter(django_filters.NumberFilter):
    """django-filter's number filter, digits 0-9 only (``?fiscal_year=\u0662\u0660\u0662\u0667``
    is the filter's error, not FY2027: ``infrastructure.numbers.foreign_digit_problem``)."""

    field_class = PlainDecimalField


class CodeFilter(django_filters.CharFilter):
    """A filter by a code or id of a table: an unknown one is the filter's error
    (``CodeField``). Give ``matching`` (value -> QuerySet) and ``unknown`` (value -> message)."""

    field_class = CodeField


def unknown_code(record: str, code: str, hint: str, *, by_id: bool = True) -> Callable[[str], str]:
    """The message of a ``record`` that no row has: "No country has the ISO code 'ZZZ'; "
    + ``hint``, or "... the id '12'; ..." for digits when the filter also takes ids."""
    return lambda value: f"No {record} has the {'id' if by_id and is_record_id(value) else code} '{value}'; {hint}"


UNKNOWN_COUNTRY = unknown_code("country", "ISO code", "choose one from the list.")
# Where only ISO codes are taken (the dashboards' scope, dashboards.views.scope_params):
# digits are an unknown code there, not an id.
UNKNOWN_COUNTRY_CODE = unknown_code("country", "ISO code", "choose one from the list.", by_id=False)
UNKNOWN_REGION = unknown_code("region", "code", "use a State bureau (e.g. AF) or a combatant command (e.g. AFRICOM).")
UNKNOWN_AGENCY = unknown_code("agency", "code", "choose one from the list.")
UNKNOWN_GOAL = unknown_code("goal", "code", "use e.g. 1 or 1.a.", by_id=False)
UNKNOWN_SECTOR = unknown_code("sector", "DAC code", "choose one from the list.", by_id=False)


def country_filter(label: str = "Country", *, method: str = "filter_country", max_length: int = 120) -> CodeFilter:
    """``country``: an ISO3 code or id; unknown, the filter's error."""
    return CodeFilter(method=method, label=label, max_length=max_length,
                      matching=countries_matching, unknown=UNKNOWN_COUNTRY)


def region_filter(label: str = "Region", *, method: str = "filter_region") -> CodeFilter:
    """``region``: a region code of either scheme or id; unknown, the filter's error."""
    return CodeFilter(method=method, label=label, max_length=20, matching=regions_matching, unknown=UNKNOWN_REGION)


def agency_filter(label: str = "Agency", *, method: str = "filter_agency") -> CodeFilter:
    """``agency``: an agency code or id; unknown, the filter's error."""
    return CodeFilter(method=method, label=label, max_length=20, matching=agencies_matching, unknown=UNKNOWN_AGENCY)


def countries_in_regions(regions: QuerySet[Region]) -> QuerySet[Country]:
    """Countries belonging to any of ``regions`` (in either scheme)."""
    return Country.objects.filter(Q(state_bureau__in=regions) | Q(combatant_command__in=regions))


def updated_since_filter(field: str = "updated_at", *,
                         label: str = "Changed at or after this ISO 8601 datetime") -> django_filters.IsoDateTimeFilter:
    """``updated_since``: rows changed at or after an ISO 8601 datetime (for incremental
    sync). Absent or empty means everything on a page; the API refuses an empty value,
    as it does for every parameter (api.filter_backend.query_value_problem)."""
    return UtcIsoDateTimeFilter(field_name=field, lookup_expr="gte", label=label)


def archived_rows(queryset: QuerySet, value: str) -> QuerySet:
    """``archived``: "include" keeps every row, "only" the archived ones, anything else
    (default) hides them."""
    if value == "include":
        return queryset
    if value == "only":
        return queryset.filter(archived_at__isnull=False)
    return queryset.filter(archived_at__isnull=True)


def _country_choices() -> list:
    return [("", "Any country")] + list(Country.objects.order_by(by_name()).values_list("iso3", "name"))


def _region_choices() -> list:
    regions = Region.objects.order_by("scheme", "code").values_list("scheme", "code", "name")
    bureau = [(code, f"{code} {name}") for scheme, code, name in regions if scheme == RegionScheme.STATE_BUREAU]
    command = [(code, f"{code} {name}") for scheme, code, name in regions if scheme != RegionScheme.STATE_BUREAU]
    return [("", "Any region"), ("State bureaus", bureau), ("Combatant commands", command)]


def _agency_choices() -> list:
    return [("", "Any agency")] + [(c, c) for c in Agency.objects.values_list("code", flat=True)]


def _goal_choices() -> list:
    return [("", "Any goal")] + [(code, f"{code} {title}") for code, title in Goal.objects.values_list("code", "title")]


def _sector_choices() -> list:
    return [("", "Any sector")] + [(c, f"{c} {n}") for c, n in Sector.objects.values_list("dac_code", "name")]


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 datetime converted to UTC: PostgreSQL refuses offsets beyond +-15:59
    that Python accepts, which would otherwise be a database error (a 500)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.timezone.utc)
        except (OverflowError, ValueError):
            raise forms.ValidationError("Enter a date/time between the years 1 and 9999 (UTC).", code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


def archived_shown(cleaned_data: dict) -> bool:
    """Whether a list filter keeps archived rows: asked for (``archived``), or an
    incremental sync (``updated_since``), which must see records being archived."""
    return bool(cleaned_data.get("archived")) or cleaned_data.get("updated_since") is not None


class ProgramFilter(PortalFilterSet):
    """Filters of the program list; ``qs`` is distinct and hides archived programs by default."""

    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=200)
    country = country_filter()
    region = region_filter()
    agency = agency_filter()
    goal = CodeFilter(method="filter_goal", label="Goal", max_length=8, matching=goals_matching, unknown=UNKNOWN_GOAL)
    sector = CodeFilter(method="filter_sector", label="Sector (DAC)", max_length=5,
                        matching=sectors_matching, unknown=UNKNOWN_SECTOR)
    status = django_filters.MultipleChoiceFilter(choices=ProgramStatus.choices, label="Status")
    fiscal_year = NumberFilter(
        method="filter_fiscal_year",
        label="Fiscal year",
        min_value=MIN_FISCAL_YEAR,
        max_value=MAX_FISCAL_YEAR,
    )
    surge = django_filters.BooleanFilter(field_name="is_surge", label="Surge")
    archived = django_filters.ChoiceFilter(
        method="filter_archived", choices=ARCHIVED_CHOICES, label="Archived", empty_label=None
    )
    updated_since = updated_since_filter(label="Updated since")
    ordering = django_filters.OrderingFilter(fields=PROGRAM_ORDERING, label="Sort by")
    sync_sees_archived = False  # the API's FilterSet: True

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, data=None, queryset: QuerySet | None = None, **kwargs):
        if queryset is None:
            queryset = program_list_queryset()
        # Always bound, so that the default (archived hidden) applies without parameters.
        super().__init__(data=data if data is not None else {}, queryset=queryset, **kwargs)
        self._choice_widgets()

    def _choice_widgets(self) -> None:
        """Drop-downs for the page form; the API accepts the same values as free text.

        The choices are callables, so they are read only when a page renders the form
        (an API request that never renders it issues no queries for them)."""
        fields = self.form.fields
        fields["country"].widget = InlineSelect(choices=_country_choices)  # ~200 options: no template each
        fields["region"].widget = InlineSelect(choices=_region_choices)
        fields["agency"].widget = InlineSelect(choices=_agency_choices)
        fields["goal"].widget = InlineSelect(choices=_goal_choices)
        fields["sector"].widget = InlineSelect(choices=_sector_choices)
        fields["status"].widget = forms.CheckboxSelectMultiple(choices=ProgramStatus.choices)
        fields["surge"].widget = InlineSelect(choices=[("", "Any"), ("true", "Surge only"), ("false", "Not surge")])

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Apply the valid filters (an invalid value is reported in ``errors`` and ignored).
        Archived programs are hidden unless asked for (or, for sync clients of the API,
        unless ``updated_since`` asks for changes: see ``archived_shown``)."""
        queryset = super().filter_queryset(queryset)
        cleaned = self.form.cleaned_data
        if not (archived_shown(cleaned) if self.sync_sees_archived else cleaned.get("archived")):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    # Each method receives a cleaned value; an unknown code is its field's error (CodeFilter).

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )

    def filter_country(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        through = queryset.model.countries.through
        return queryset.filter(pk__in=through.objects.filter(country__in=countries_matching(value)).values("program"))

    def filter_region(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        countries = countries_in_regions(regions_matching(value))
        through = queryset.model.countries.through
        return queryset.filter(pk__in=through.objects.filter(country__in=countries).values("program"))

    def filter_agency(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        agencies = agencies_matching(value)
        through = queryset.model.supporting_agencies.through
        return queryset.filter(
            Q(lead_agency__in=agencies) | Q(pk__in=through.objects.filter(agency__in=agencies).values("program"))
        )

    def filter_goal(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        through = queryset.model.goals.through
        return queryset.filter(pk__in=through.objects.filter(goal__in=goals_matching(value)).values("program"))

    def filter_sector(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        through = queryset.model.sectors.through
        return queryset.filter(pk__in=through.objects.filter(sector__in=sectors_matching(value)).values("program"))

    def filter_fiscal_year(self, queryset, name, value):
        if value is None:
            return queryset
        fy = int(value)
        return queryset.filter(start_fy__lte=fy, end_fy__gte=fy)

    def filter_archived(self, queryset, name, value):
        return archived_rows(queryset, value)


# --- The other records analysts keep ---------------------------------------------------


class _RecordFilter(PortalFilterSet):
    """Free-text search over ``search_fields``; archived rows hidden unless asked for."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="filter_q", label="Search", max_length=200)

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data=data if data is not None else {}, queryset=queryset, **kwargs)

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q()
        for field in self.search_fields:
            match |= Q(**{f"{field}__icontains": value})
        return queryset.filter(match)

    def filter_archived(self, queryset, name, value):
        return archived_rows(queryset, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if "archived" in self.filters and not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset


def _archived_filter():
    return django_filters.ChoiceFilter(
        method="filter_archived", choices=ARCHIVED_CHOICES, label="Archived", empty_label=None
    )


def _country_filter(field: str = "country"):
    return django_filters.ModelChoiceFilter(
        field_name=field, queryset=Country.objects.order_by(by_name()), to_field_name="iso3", label="Country"
    )


class PartnerInstitutionFilter(_RecordFilter):
    """Partner institutions, for the records page and the API alike (``country``: ISO3
    code or id)."""

    search_fields = ("name",)
    country = country_filter()
    institution_type = django_filters.ChoiceFilter(choices=InstitutionType.choices, label="Type")
    nature = django_filters.ChoiceFilter(choices=InstitutionNature.choices)
    level = django_filters.ChoiceFilter(choices=InstitutionLevel.choices)
    archived = _archived_filter()
    updated_since = updated_since_filter()
    ordering = django_filters.OrderingFilter(
        fields=(("country__name", "country"), ("name", "name"), ("id", "id"), ("updated_at", "updated_at")))

    class Meta:
        model = PartnerInstitution
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data=data, queryset=queryset, **kwargs)
        # Read only when a page renders the form (the API never does).
        self.form.fields["country"].widget = forms.Select(choices=_country_choices)

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=countries_matching(value)) if value.strip() else queryset


class ImplementingPartnerFilter(_RecordFilter):
    """Implementing partners, for the records page and the API alike."""

    search_fields = ("name",)
    kind = django_filters.ChoiceFilter(choices=ImplementingPartnerKind.choices)
    archived = _archived_filter()
    updated_since = updated_since_filter()
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("kind", "kind"), ("id", "id"), ("updated_at", "updated_at")))

    class Meta:
        model = ImplementingPartner
        fields: list[str] = []


class VettingFilter(_RecordFilter):
    search_fields = ("institution__name", "unit_name", "reference")
    country = _country_filter("institution__country")
    status = django_filters.ChoiceFilter(choices=VettingStatus.choices)
    ordering = django_filters.OrderingFilter(
        fields=(("requested_on", "requested_on"), ("expires_on", "expires_on"), ("institution__name", "institution"))
    )

    class Meta:
        model = Vetting
        fields: list[str] = []


class DonorEngagementFilter(_RecordFilter):
    search_fields = ("donor__name", "description")
    country = _country_filter()
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), to_field_name="dac_code", label="Sector")
    fiscal_year = NumberFilter(
        method="filter_fiscal_year", label="Fiscal year", min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR
    )
    ordering = django_filters.OrderingFilter(
        fields=(("donor__name", "donor"), ("country__name", "country"), ("start_fy", "start_fy"), ("amount_usd", "amount"))
    )

    class Meta:
        model = DonorEngagement
        fields: list[str] = []

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.filter(start_fy__lte=int(value), end_fy__gte=int(value))


class StrategyFilter(_RecordFilter):
    search_fields = ("title", "summary")
    scope = django_filters.ChoiceFilter(choices=StrategyScope.choices)
    country = _country_filter()
    region = django_filters.ModelChoiceFilter(queryset=Region.objects.all(), to_field_name="code", label="Region")
    archived = _archived_filter()
    ordering = django_filters.OrderingFilter(fields=(("title", "title"), ("start_fy", "start_fy")))

    class Meta:
        model = Strategy
        fields: list[str] = []


class ObjectiveFilter(_RecordFilter):
    search_fields = ("code", "description", "strategy__title")
    strategy = django_filters.ModelChoiceFilter(queryset=Strategy.objects.filter(archived_at__isnull=True))
    goal = django_filters.ModelChoiceFilter(
        field_name="goals", queryset=Goal.objects.all(), to_field_name="code", label="Goal", distinct=True
    )
    archived = _archived_filter()
    ordering = django_filters.OrderingFilter(fields=(("strategy__title", "strategy"), ("code", "code")))

    class Meta:
        model = Objective
        fields: list[str] = []


# --- The managers' approvals queue ------------------------------------------------------


def _ordering_only(filterset: PortalFilterSet) -> set[str]:
    """The fields of ``filterset`` that only order its rows: its ``OrderingFilter``s and
    those it names in ``ordering_only``."""
    return ({name for name, f in filterset.filters.items() if isinstance(f, django_filters.OrderingFilter)}
            | set(getattr(filterset, "ordering_only", ())))


def filter_matching(filterset: PortalFilterSet) -> QuerySet:
    """The rows a page's filter matches; none while it is not valid (a stale or mistyped
    value is its field's error, and must not widen the list, its export or a decision on
    "all that match" to every row, as django-filter's ``qs`` does by dropping the field).
    The pattern of every filtered page; a download answers 400 (``filter_refusal``) and
    the API a 400 naming the field (api.filter_backend). A field that only orders the rows
    (an ``OrderingFilter``, or one a FilterSet names in ``ordering_only``) narrows nothing:
    its bad value is its field's error and the rows keep the default order."""
    if filterset.is_bound and not filterset.is_valid():
        if not set(filterset.form.errors) <= _ordering_only(filterset):
            return filterset.queryset.none()
        data = filterset.data.copy()
        for name in filterset.form.errors:
            data.pop(name, None)
        return type(filterset)(data, queryset=filterset.queryset, request=filterset.request).qs
    return filterset.qs


def filter_refusal(filterset: django_filters.FilterSet | forms.Form) -> HttpResponseBadRequest | None:
    """A download's answer to a filter (a FilterSet, or a form such as the dashboards'
    ``ScopeQuery``) that is not valid: a 400 in plain text, one line per field
    ("Country (country): No country has ..."); None when it is valid. An export of an
    invalid filter is never an empty file, nor every row."""
    if not filterset.is_bound or filterset.is_valid():
        return None
    form = getattr(filterset, "form", filterset)
    if isinstance(filterset, PortalFilterSet) and set(form.errors) <= _ordering_only(filterset):
        return None  # a bad sort narrows nothing: the download keeps the default order
    text = "\n".join(
        f"{form.fields[name].label if name in form.fields else name} ({name}): {' '.join(messages)}"
        for name, messages in form.errors.items()
    )
    return HttpResponseBadRequest(text + "\n", content_type="text/plain; charset=utf-8")


class ProgramPickFilter(django_filters.Filter):
    """A program chosen with the program picker (its code, or its id in older links)."""

    field_class = ProgramChoiceField


class ApprovalFilter(PortalFilterSet):
    """Filters of the approvals queue: program (code or id, the program picker), country
    (ISO3 or id), lead agency (code or id), period (code) and MOE kind. The lists offer
    only what is waiting; the program picker searches every program (thousands wait at
    the large size, too many to list)."""

    program = ProgramPickFilter(field_name="moe__program", label="Program")
    country = country_filter()
    agency = agency_filter()
    period = django_filters.CharFilter(method="filter_period", label="Period", max_length=10)
    kind = django_filters.ChoiceFilter(field_name="moe__kind", choices=MoeKind.choices, label="MOE kind",
                                       empty_label="Any kind")

    class Meta:
        model = Measurement
        fields: list[str] = []

    def __init__(self, data=None, queryset: QuerySet | None = None, **kwargs):
        from .selectors.measures import approvals_queue, awaiting_approval

        super().__init__(data=data if data is not None else {}, queryset=queryset or approvals_queue(), **kwargs)
        waiting = awaiting_approval()
        fields = self.form.fields
        fields["country"].widget = forms.Select(choices=lambda: [("", "Any country")] + list(
            waiting.values_list("moe__program__countries__iso3", "moe__program__countries__name")
            .distinct().order_by("moe__program__countries__name")))
        fields["agency"].widget = forms.Select(choices=lambda: [("", "Any agency")] + [
            (code, code) for code in waiting.values_list("moe__program__lead_agency__code", flat=True)
            .distinct().order_by("moe__program__lead_agency__code")])
        fields["period"].widget = forms.Select(choices=lambda: [("", "Any period")] + [
            (code, code) for code, _ in waiting.values_list("period", "period_end").distinct().order_by("period_end", "period")
            if measured_period_problem(Period.parse(code), today=timezone.localdate()) is None])  # started only
        for field in fields.values():
            if not isinstance(field.widget, forms.Select):
                continue
            field.widget.attrs["class"] = "usa-select"
            if isinstance(field.widget.choices, CallableChoiceIterator):  # read once per page, not per render
                field.widget.choices = CallableChoiceIterator(functools.cache(field.widget.choices.func))

    @property
    def matching(self) -> QuerySet[Measurement]:
        """The values the filter matches; none while it is not valid (a stale or mistyped
        program code must not widen the queue, nor a decision on "all that match")."""
        return filter_matching(self)

    def filter_country(self, queryset, name, value):
        return queryset.filter(moe__program__countries__in=countries_matching(value)).distinct()

    def filter_agency(self, queryset, name, value):
        return queryset.filter(moe__program__lead_agency__in=agencies_matching(value))

    def filter_period(self, queryset, name, value):
        try:
            code = Period.parse(value).code
        except ValueError:
            return queryset.none()
        return queryset.filter(period=code)

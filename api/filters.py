"""FilterSets of the API. Programs, partner institutions and implementing partners use the
pages' FilterSets (``programs.filters``); the resources with no list page get small
FilterSets here. Every resource filters by
``updated_since`` (ISO 8601 datetime, inclusive) for incremental sync."""
from __future__ import annotations

import re

import django_filters
from django import forms
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from assessments.filters import AssessmentFilter, SelectivityScoreFilter
from assessments.models import AssessmentStatus, Band, CountryAssessment
from assessments.selectors import current_scores
from programs.filters import (
    ARCHIVED_CHOICES,
    UNKNOWN_GOAL,
    CodeFilter,
    NumberFilter,
    ProgramFilter,
    agencies_matching,
    agency_filter,
    archived_rows,
    archived_shown,
    country_filter,
    countries_in_regions,
    countries_matching,
    goals_matching,
    region_filter,
    regions_matching,
    updated_since_filter,
)
from evaluations.models import (
    CountryRollup,
    Evaluation,
    EvaluationRating,
    EvaluationType,
    FollowUpStatus,
    GoalRollup,
    ProgramRollup,
    Recommendation,
    RegionRollup,
    RollupStatus,
)
from infrastructure.numbers import USIntegerField
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, PERIOD_CODE_PATTERN, Period
from programs.models import (
    Agency,
    Country,
    CrisisEvent,
    Goal,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementStatus,
    MoeKind,
    PriorityTier,
    Program,
    ProgramReview,
    Region,
    RegionScheme,
    ReviewDecision,
    Sector,
)
from programs.selectors.reviews import PENDING_REVIEW
from infrastructure.forms import PortalFilterSet

ID_MAX = 2**31 - 1


class IdField(USIntegerField):
    """The id of a row of ``model``: a whole number of a row that exists (archived rows
    included); an unknown one is the field's error, as an unknown code is (CodeField)."""

    def __init__(self, *, model: type[models.Model], **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not self.model._base_manager.filter(pk=value).exists():
            raise forms.ValidationError(f"No {self.model._meta.verbose_name} has the id {value}.", code="unknown")
        return value


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number (``?program=5.5`` is a 400, not program 5) of a row that
    exists (``?program=999999`` is a 400, not an empty list)."""

    field_class = IdField


def _id_filter(field: str, label: str, model: type[models.Model], **kwargs) -> IdFilter:
    return IdFilter(field_name=field, label=label, min_value=1, max_value=ID_MAX, model=model, **kwargs)


def _countries_in_band(band: str) -> QuerySet:
    return current_scores().filter(band=band).values("country_id")


class ApiProgramFilter(ProgramFilter):
    """The pages' program filters plus ``band`` (current selectivity band of a country)."""

    band = django_filters.ChoiceFilter(choices=Band.choices, method="filter_band", label="Selectivity band")
    updated_since = updated_since_filter(
        label="Changed at or after this ISO 8601 datetime (archived records included, to be dropped)"
    )
    sync_sees_archived = True

    def _choice_widgets(self) -> None:
        """The API needs no drop-down choices (they would cost five queries per request)."""

    def filter_band(self, queryset, name, value):
        through = queryset.model.countries.through
        return queryset.filter(pk__in=through.objects.filter(country__in=_countries_in_band(value)).values("program"))


class CountryFilter(PortalFilterSet):
    region = region_filter("Region code or id (either scheme)")
    priority_tier = django_filters.ChoiceFilter(choices=PriorityTier.choices)
    band = django_filters.ChoiceFilter(choices=Band.choices, method="filter_band", label="Current selectivity band")
    iso3 = django_filters.CharFilter(lookup_expr="iexact", max_length=3)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=120, label="Name contains")
    updated_since = updated_since_filter()

    class Meta:
        model = Country
        fields: list[str] = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(pk__in=countries_in_regions(regions_matching(value))) if value.strip() else queryset

    def filter_band(self, queryset, name, value):
        return queryset.filter(pk__in=_countries_in_band(value))


class RegionFilter(PortalFilterSet):
    scheme = django_filters.ChoiceFilter(choices=RegionScheme.choices)
    updated_since = updated_since_filter()

    class Meta:
        model = Region
        fields: list[str] = []


class AgencyFilter(PortalFilterSet):
    updated_since = updated_since_filter()

    class Meta:
        model = Agency
        fields: list[str] = []


class GoalFilter(PortalFilterSet):
    parent = CodeFilter(field_name="parent__code", lookup_expr="iexact", label="Parent goal code", max_length=8,
                        matching=goals_matching, unknown=UNKNOWN_GOAL)
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label="Principal goals only")
    updated_since = updated_since_filter()

    class Meta:
        model = Goal
        fields: list[str] = []


class SectorFilter(PortalFilterSet):
    category = django_filters.CharFilter(max_length=5, label="DAC 3-digit category, e.g. 152")
    updated_since = updated_since_filter()

    class Meta:
        model = Sector
        fields: list[str] = []


class _ArchivableFilter(PortalFilterSet):
    """Archived rows hidden unless ``archived=include`` or ``only``."""

    archived = django_filters.ChoiceFilter(method="filter_archived", choices=ARCHIVED_CHOICES,
                                           label="Archived (default: hidden)")
    updated_since = updated_since_filter()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not archived_shown(self.form.cleaned_data):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def filter_archived(self, queryset, name, value):
        return archived_rows(queryset, value)


class _ProgramScopedFilter(PortalFilterSet):
    """Filters of records that belong to a program: by program, its country and agency."""

    program_path = "program"
    country = country_filter("Country ISO3 or id", max_length=9)
    agency = agency_filter("Lead agency code or id")
    updated_since = updated_since_filter()

    def filter_country(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        programs = Program.countries.through.objects.filter(country__in=countries_matching(value))
        return queryset.filter(**{f"{self.program_path}__in": programs.values("program")})

    def filter_agency(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(**{f"{self.program_path}__lead_agency__in": agencies_matching(value)})


class MoeFilter(_ProgramScopedFilter, _ArchivableFilter):
    program = _id_filter("program", "Program id", Program)
    kind = django_filters.ChoiceFilter(choices=MoeKind.choices)

    class Meta:
        model = MeasureOfEffectiveness
        fields: list[str] = []


class PeriodCodeField(forms.CharField):
    """A period code (FY2027, FY2027-H1, FY2027-Q1, in any case: ``PERIOD_CODE_PATTERN``,
    which the schema states) cleaned to its canonical form; anything else is the filter's
    error (400 naming it)."""

    pattern = PERIOD_CODE_PATTERN

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        if not re.match(self.pattern, value):
            raise forms.ValidationError(
                f"'{value}' is not a period; use FY2027, FY2027-H1 or FY2027-Q1 "
                f"(fiscal years {MIN_FISCAL_YEAR}-{MAX_FISCAL_YEAR}).", code="invalid",
            )
        return Period.parse(value).code


class PeriodCodeFilter(django_filters.CharFilter):
    field_class = PeriodCodeField


class MeasurementFilter(_ProgramScopedFilter):
    program_path = "moe__program"
    moe = _id_filter("moe", "MOE id", MeasureOfEffectiveness)
    program = _id_filter("moe__program", "Program id", Program)
    status = django_filters.MultipleChoiceFilter(choices=MeasurementStatus.choices)
    period = PeriodCodeFilter(max_length=20, label="Period code: FY2027, FY2027-H1 or FY2027-Q1 (anything else is a 400)")
    fiscal_year = NumberFilter(
        method="filter_fiscal_year", min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR, label="Fiscal year"
    )

    class Meta:
        model = Measurement
        fields: list[str] = []

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.filter(period__startswith=f"FY{int(value)}")


class ReviewFilter(_ProgramScopedFilter):
    program = _id_filter("program", "Program id", Program)
    decision = django_filters.ChoiceFilter(choices=ReviewDecision.choices)
    pending = django_filters.BooleanFilter(
        method="filter_pending", label="Pending: no decision yet, and the program is not archived")
    fiscal_year = NumberFilter(
        field_name="cycle__fiscal_year", min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR, label="Planning cycle"
    )
    out_of_cycle = django_filters.BooleanFilter()

    class Meta:
        model = ProgramReview
        fields: list[str] = []

    def filter_pending(self, queryset, name, value):
        """Pending as everywhere (``programs.selectors.reviews.PENDING_REVIEW``: undecided,
        program not archived); ``false``: the others."""
        return queryset.filter(PENDING_REVIEW) if value else queryset.exclude(PENDING_REVIEW)


class _CountryScopedFilter(PortalFilterSet):
    """Rows with a ``country``: by that country (ISO3 or id) or a region of either scheme."""

    country = country_filter("Country ISO3 or id", max_length=9)
    region = region_filter("Region code or id")

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=countries_matching(value)) if value.strip() else queryset

    def filter_region(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(country__in=countries_in_regions(regions_matching(value)))


class CrisisEventFilter(_CountryScopedFilter):
    open = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="Open (not closed)")
    updated_since = updated_since_filter()

    class Meta:
        model = CrisisEvent
        fields: list[str] = []


# --- Rollups, evaluations, recommendations ----------------------------------------------


def _rollup_filter(model, **declared) -> type[django_filters.FilterSet]:
    """A FilterSet of a rollup table: status and updated_since (its computed_at)."""
    attrs = {
        "status": django_filters.ChoiceFilter(choices=RollupStatus.choices),
        "updated_since": updated_since_filter("computed_at"),
        "Meta": type("Meta", (), {"model": model, "fields": []}),
        **declared,
    }
    return type(f"{model.__name__}Filter", (PortalFilterSet,), attrs)


class ProgramRollupFilter(_ProgramScopedFilter):
    status = django_filters.ChoiceFilter(choices=RollupStatus.choices)
    program = _id_filter("program", "Program id", Program)
    updated_since = updated_since_filter("computed_at")

    class Meta:
        model = ProgramRollup
        fields: list[str] = []


class CountryRollupFilter(_CountryScopedFilter):
    status = django_filters.ChoiceFilter(choices=RollupStatus.choices)
    updated_since = updated_since_filter("computed_at")

    class Meta:
        model = CountryRollup
        fields: list[str] = []


RegionRollupFilter = _rollup_filter(
    RegionRollup, scheme=django_filters.ChoiceFilter(field_name="region__scheme", choices=RegionScheme.choices))
GoalRollupFilter = _rollup_filter(GoalRollup)


class EvaluationFilter(_ProgramScopedFilter):
    program = _id_filter("program", "Program id", Program)
    evaluation_type = django_filters.ChoiceFilter(choices=EvaluationType.choices)
    rating = django_filters.ChoiceFilter(choices=EvaluationRating.choices)
    is_independent = django_filters.BooleanFilter()

    class Meta:
        model = Evaluation
        fields: list[str] = []


class RecommendationFilter(_ProgramScopedFilter):
    program_path = "evaluation__program"
    evaluation = _id_filter("evaluation", "Evaluation id", Evaluation)
    program = _id_filter("evaluation__program", "Program id", Program)
    follow_up_status = django_filters.MultipleChoiceFilter(choices=FollowUpStatus.choices)
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lt")

    class Meta:
        model = Recommendation
        fields: list[str] = []


# --- Assessments and selectivity scores ------------------------------------------------


class ApiAssessmentFilter(AssessmentFilter):
    """The assessment list page's filters, with the API's country (ISO3 or id), several
    statuses, framework version and updated_since."""

    country = country_filter("Country ISO3 or id", max_length=9)
    status = django_filters.MultipleChoiceFilter(choices=AssessmentStatus.choices)
    framework_version = NumberFilter(field_name="framework__version", min_value=1, max_value=32767)
    updated_since = updated_since_filter()

    class Meta:
        model = CountryAssessment
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=countries_matching(value)) if value.strip() else queryset


class ApiSelectivityScoreFilter(SelectivityScoreFilter):
    """The pages' score filters (region, band, tier, sort) plus country and updated_since;
    the region is an id here (an unknown one is a 400, as on every list)."""

    region = _id_filter("region", "Region id (bureau or command)", Region, method="filter_region")
    country = country_filter("Country ISO3 or id", max_length=9)
    updated_since = updated_since_filter("computed_at")

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=countries_matching(value)) if value.strip() else queryset

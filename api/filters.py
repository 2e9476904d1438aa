"""FilterSets of the API. Programs reuse the pages' ``programs.filters.ProgramFilter``;
the other resources get small FilterSets here. Every resource filters by
``updated_since`` (ISO 8601 datetime, inclusive) for incremental sync."""
from __future__ import annotations


import django_filters
from django import forms
from django.db.models import Q, QuerySet

from assessments.models import Band
from assessments.selectors import current_scores
from programs.filters import ProgramFilter, UtcIsoDateTimeField, UtcIsoDateTimeFilter, archived_shown
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from programs.models import (
    Agency,
    Country,
    CrisisEvent,
    Goal,
    ImplementingPartner,
    ImplementingPartnerKind,
    InstitutionLevel,
    InstitutionNature,
    InstitutionType,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementStatus,
    MoeKind,
    PartnerInstitution,
    PriorityTier,
    Program,
    ProgramReview,
    Region,
    RegionScheme,
    ReviewDecision,
    Sector,
)

ID_MAX = 2**31 - 1


class SyncSinceField(UtcIsoDateTimeField):
    """``updated_since``: absent means everything; present, it must be a datetime (an
    empty value would silently mean "everything" to a sync client that lost its mark)."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(
                "Enter an ISO 8601 date and time, e.g. 2026-11-30T12:00:00Z, or leave the parameter out.",
                code="required",
            )
        return super().clean(value)


class SyncSinceFilter(UtcIsoDateTimeFilter):
    field_class = SyncSinceField


def _updated_since(field: str = "updated_at") -> django_filters.IsoDateTimeFilter:
    return SyncSinceFilter(
        field_name=field, lookup_expr="gte",
        label="Changed at or after this ISO 8601 datetime (archived records included, to be dropped)",
    )


def _id_filter(field: str, label: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(field_name=field, label=label, min_value=1, max_value=ID_MAX)


def _countries_in_band(band: str) -> QuerySet:
    return current_scores().filter(band=band).values("country_id")


def _region_q(value: str, prefix: str = "") -> Q:
    value = value.strip()
    lookup = "pk" if value.isdigit() and len(value) <= 9 else "code__iexact"
    regions = Region.objects.filter(**{lookup: int(value) if lookup == "pk" else value})
    return Q(**{f"{prefix}state_bureau__in": regions}) | Q(**{f"{prefix}combatant_command__in": regions})


def _country_q(value: str, field: str) -> Q:
    value = value.strip()
    if value.isdigit() and len(value) <= 9:
        return Q(**{f"{field}_id": int(value)})
    return Q(**{f"{field}__iso3__iexact": value})


def _agency_q(value: str, field: str) -> Q:
    value = value.strip()
    if value.isdigit() and len(value) <= 9:
        return Q(**{f"{field}_id": int(value)})
    return Q(**{f"{field}__code__iexact": value})


class ApiProgramFilter(ProgramFilter):
    """The pages' program filters plus ``band`` (current selectivity band of a country)."""

    band = django_filters.ChoiceFilter(choices=Band.choices, method="filter_band", label="Selectivity band")
    updated_since = _updated_since()
    sync_sees_archived = True

    def _choice_widgets(self) -> None:
        """The API needs no drop-down choices (they would cost five queries per request)."""

    def filter_band(self, queryset, name, value):
        through = queryset.model.countries.through
        return queryset.filter(pk__in=through.objects.filter(country__in=_countries_in_band(value)).values("program"))


class CountryFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label="Region code or id (either scheme)", max_length=20)
    priority_tier = django_filters.ChoiceFilter(choices=PriorityTier.choices)
    band = django_filters.ChoiceFilter(choices=Band.choices, method="filter_band", label="Current selectivity band")
    iso3 = django_filters.CharFilter(lookup_expr="iexact", max_length=3)
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=120, label="Name contains")
    updated_since = _updated_since()

    class Meta:
        model = Country
        fields: list[str] = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(_region_q(value)) if value.strip() else queryset

    def filter_band(self, queryset, name, value):
        return queryset.filter(pk__in=_countries_in_band(value))


class RegionFilter(django_filters.FilterSet):
    scheme = django_filters.ChoiceFilter(choices=RegionScheme.choices)
    updated_since = _updated_since()

    class Meta:
        model = Region
        fields: list[str] = []


class AgencyFilter(django_filters.FilterSet):
    updated_since = _updated_since()

    class Meta:
        model = Agency
        fields: list[str] = []


class GoalFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label="Parent goal code", max_length=8)
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label="Principal goals only")
    updated_since = _updated_since()

    class Meta:
        model = Goal
        fields: list[str] = []


class SectorFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(max_length=5, label="DAC 3-digit category, e.g. 152")
    updated_since = _updated_since()

    class Meta:
        model = Sector
        fields: list[str] = []


class _ArchivableFilter(django_filters.FilterSet):
    archived = django_filters.ChoiceFilter(
        method="filter_archived",
        choices=(("exclude", "Hide archived"), ("include", "Include archived"), ("only", "Archived only")),
        label="Archived (default: hidden)",
    )
    updated_since = _updated_since()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not archived_shown(self.form.cleaned_data):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def filter_archived(self, queryset, name, value):
        if value == "include":
            return queryset
        if value == "only":
            return queryset.filter(archived_at__isnull=False)
        return queryset.filter(archived_at__isnull=True)


class PartnerInstitutionFilter(_ArchivableFilter):
    country = django_filters.CharFilter(method="filter_country", label="Country ISO3 or id", max_length=9)
    institution_type = django_filters.ChoiceFilter(choices=InstitutionType.choices)
    nature = django_filters.ChoiceFilter(choices=InstitutionNature.choices)
    level = django_filters.ChoiceFilter(choices=InstitutionLevel.choices)

    class Meta:
        model = PartnerInstitution
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(_country_q(value, "country")) if value.strip() else queryset


class ImplementingPartnerFilter(_ArchivableFilter):
    kind = django_filters.ChoiceFilter(choices=ImplementingPartnerKind.choices)

    class Meta:
        model = ImplementingPartner
        fields: list[str] = []


class _ProgramScopedFilter(django_filters.FilterSet):
    """Filters of records that belong to a program: by program, its country and agency."""

    program_path = "program"
    country = django_filters.CharFilter(method="filter_country", label="Country ISO3 or id", max_length=9)
    agency = django_filters.CharFilter(method="filter_agency", label="Lead agency code or id", max_length=20)
    updated_since = _updated_since()

    def filter_country(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        lookup = {"pk": int(value)} if value.isdigit() and len(value) <= 9 else {"iso3__iexact": value}
        programs = Program.countries.through.objects.filter(country__in=Country.objects.filter(**lookup))
        return queryset.filter(**{f"{self.program_path}__in": programs.values("program")})

    def filter_agency(self, queryset, name, value):
        return queryset.filter(_agency_q(value, f"{self.program_path}__lead_agency")) if value.strip() else queryset


class MoeFilter(_ProgramScopedFilter, _ArchivableFilter):
    program = _id_filter("program", "Program id")
    kind = django_filters.ChoiceFilter(choices=MoeKind.choices)

    class Meta:
        model = MeasureOfEffectiveness
        fields: list[str] = []


class MeasurementFilter(_ProgramScopedFilter):
    program_path = "moe__program"
    moe = _id_filter("moe", "MOE id")
    program = _id_filter("moe__program", "Program id")
    status = django_filters.MultipleChoiceFilter(choices=MeasurementStatus.choices)
    period = django_filters.CharFilter(lookup_expr="iexact", max_length=10, label="Period code, e.g. FY2027-Q1")
    fiscal_year = django_filters.NumberFilter(
        method="filter_fiscal_year", min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR, label="Fiscal year"
    )

    class Meta:
        model = Measurement
        fields: list[str] = []

    def filter_fiscal_year(self, queryset, name, value):
        return queryset.filter(period__startswith=f"FY{int(value)}")


class ReviewFilter(_ProgramScopedFilter):
    program = _id_filter("program", "Program id")
    decision = django_filters.ChoiceFilter(choices=ReviewDecision.choices)
    pending = django_filters.BooleanFilter(method="filter_pending", label="Pending (no decision yet)")
    fiscal_year = django_filters.NumberFilter(
        field_name="cycle__fiscal_year", min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR, label="Planning cycle"
    )
    out_of_cycle = django_filters.BooleanFilter()

    class Meta:
        model = ProgramReview
        fields: list[str] = []

    def filter_pending(self, queryset, name, value):
        return queryset.filter(decision="") if value else queryset.exclude(decision="")


class CrisisEventFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(method="filter_country", label="Country ISO3 or id", max_length=9)
    region = django_filters.CharFilter(method="filter_region", label="Region code or id", max_length=20)
    open = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label="Open (not closed)")
    updated_since = _updated_since()

    class Meta:
        model = CrisisEvent
        fields: list[str] = []

    def filter_country(self, queryset, name, value):
        return queryset.filter(_country_q(value, "country")) if value.strip() else queryset

    def filter_region(self, queryset, name, value):
        return queryset.filter(_region_q(value, "country__")) if value.strip() else queryset

"""FilterSets shared by the pages and the API."""
import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from programs.models import PriorityTier, Region

from .models import AssessmentStatus, Band, CountryAssessment, SelectivityScore
from .selectors import RANK_BY_RANGE, RANK_BY_SCORE, RANKING_ORDER
from infrastructure.forms import PortalFilterSet


class CheckboxFlag(forms.CheckboxInput):
    """A checkbox that sends ``true``; reads the value as NullBooleanSelect does
    (true / false / 1 / 0, anything else: not given), so the API accepts the same."""

    def __init__(self) -> None:
        super().__init__(attrs={"value": "true"})

    def value_from_datadict(self, data, files, name):
        return forms.NullBooleanSelect().value_from_datadict(data, files, name)


class SelectivityScoreFilter(PortalFilterSet):
    """Current scores by region (either scheme), band (after caps) and priority tier;
    ranked by the ranking rule (``rank=range``, the default) or the raw score
    (``rank=score``); ``complete=true`` keeps complete scores only; ``sort`` by a column
    overrides the rank."""

    region = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter(  # a region id in the schema
        queryset=Region.objects.all(), method="filter_region", label="Region (bureau or command)"
    ))
    band = django_filters.ChoiceFilter(choices=Band.choices)
    tier = django_filters.ChoiceFilter(field_name="priority_tier", choices=PriorityTier.choices, label="Tier")
    rank = django_filters.ChoiceFilter(
        choices=[(RANK_BY_RANGE, "Low end of the range"), (RANK_BY_SCORE, "Score (raw)")],
        method="filter_rank", label="Rank by", empty_label=None,
    )
    complete = django_filters.BooleanFilter(
        method="filter_complete", label="Complete only", widget=CheckboxFlag,
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("country__name", "country"),
            ("score", "score"),
            ("low", "low"),
            ("high", "high"),
            ("priority_tier", "tier"),
            ("priority_component", "priority"),
            ("conditions_component", "conditions"),
            ("effectiveness_component", "effectiveness"),
            ("band", "band"),
        ),
        label="Sort by",
    )

    ordering_only = ("rank",)  # a bad value keeps the ranking rule (programs.filters.filter_matching)

    class Meta:
        model = SelectivityScore
        fields = ["region", "band", "tier"]

    def filter_rank(self, queryset, name, value):
        return queryset.order_by(*RANKING_ORDER[value or RANK_BY_RANGE])

    def filter_complete(self, queryset, name, value):
        return queryset.filter(flag_incomplete=False) if value else queryset

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(country__state_bureau=value) | Q(country__combatant_command=value))


class AssessmentFilter(PortalFilterSet):
    """The assessment list: by country (name or ISO code), status and framework version."""

    country = django_filters.CharFilter(method="filter_country", label="Country")
    status = django_filters.ChoiceFilter(choices=AssessmentStatus.choices)

    class Meta:
        model = CountryAssessment
        fields = ["country", "status", "framework"]

    def filter_country(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(country__name__icontains=value) | Q(country__iso3__iexact=value))

"""FilterSets shared by the pages and the API."""
import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from programs.models import PriorityTier, Region

from .models import AssessmentStatus, Band, CountryAssessment, SelectivityScore


class SelectivityScoreFilter(django_filters.FilterSet):
    """Current scores by region (either scheme), band and priority tier, sortable."""

    region = extend_schema_field(OpenApiTypes.INT)(django_filters.ModelChoiceFilter(  # a region id in the schema
        queryset=Region.objects.all(), method="filter_region", label="Region (bureau or command)"
    ))
    band = django_filters.ChoiceFilter(choices=Band.choices)
    tier = django_filters.ChoiceFilter(field_name="priority_tier", choices=PriorityTier.choices, label="Tier")
    sort = django_filters.OrderingFilter(
        fields=(
            ("country__name", "country"),
            ("score", "score"),
            ("priority_tier", "tier"),
            ("priority_component", "priority"),
            ("conditions_component", "conditions"),
            ("effectiveness_component", "effectiveness"),
            ("band", "band"),
        ),
        label="Sort by",
    )

    class Meta:
        model = SelectivityScore
        fields = ["region", "band", "tier"]

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(country__state_bureau=value) | Q(country__combatant_command=value))


class AssessmentFilter(django_filters.FilterSet):
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

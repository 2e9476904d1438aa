"""Reference data: read-only resources."""
from programs.filters import ImplementingPartnerFilter, PartnerInstitutionFilter
from programs.models import Agency, Country, Goal, ImplementingPartner, PartnerInstitution, Region, Sector

from .. import filters
from ..ordering import stable_order
from ..serializers import reference as s
from .base import ReadOnlyPortalViewSet


class RegionViewSet(ReadOnlyPortalViewSet):
    """Regions of both schemes: State Department bureaus and DoD combatant commands."""

    queryset = Region.objects.all()
    serializer_class = s.RegionSerializer
    filterset_class = filters.RegionFilter
    ordering_fields = ["id", "code", "scheme", "updated_at"]


class CountryViewSet(ReadOnlyPortalViewSet):
    """Partner nations (ISO 3166) with their regions and priority tier."""

    queryset = Country.objects.select_related("state_bureau", "combatant_command")
    serializer_class = s.CountrySerializer
    filterset_class = filters.CountryFilter
    ordering_fields = ["id", "name", "iso3", "priority_tier", "updated_at"]


class AgencyViewSet(ReadOnlyPortalViewSet):
    queryset = Agency.objects.all()
    serializer_class = s.AgencySerializer
    filterset_class = filters.AgencyFilter
    ordering_fields = ["id", "code", "updated_at"]


class GoalViewSet(ReadOnlyPortalViewSet):
    """The policy's four principal goals and their sub-goals."""

    queryset = Goal.objects.select_related("parent")
    serializer_class = s.GoalSerializer
    filterset_class = filters.GoalFilter
    ordering_fields = ["id", "code", "sort_order", "updated_at"]


class SectorViewSet(ReadOnlyPortalViewSet):
    """OECD DAC purpose codes used for security and justice work."""

    queryset = Sector.objects.all()
    serializer_class = s.SectorSerializer
    filterset_class = filters.SectorFilter
    ordering_fields = ["id", "dac_code", "updated_at"]


class _PageFilterSetViewSet(ReadOnlyPortalViewSet):
    """A resource filtered by its list page's FilterSet, whose ``ordering`` it takes too."""

    filter_backends = ReadOnlyPortalViewSet.filter_backends[:1]

    def filter_queryset(self, queryset):
        return stable_order(super().filter_queryset(queryset))


class PartnerInstitutionViewSet(_PageFilterSetViewSet):
    """Partner institutions, filtered as on the records page (``programs.filters``)."""

    queryset = PartnerInstitution.objects.select_related("country")
    serializer_class = s.PartnerInstitutionSerializer
    filterset_class = PartnerInstitutionFilter


class ImplementingPartnerViewSet(_PageFilterSetViewSet):
    """Implementing partners, filtered as on the records page (``programs.filters``)."""

    queryset = ImplementingPartner.objects.all()
    serializer_class = s.ImplementingPartnerSerializer
    filterset_class = ImplementingPartnerFilter

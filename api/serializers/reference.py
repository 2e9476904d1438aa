"""Reference data: read-only shapes."""
from rest_framework import serializers

from programs.models import Agency, Country, Goal, ImplementingPartner, PartnerInstitution, Region, Sector


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "scheme", "code", "name", "updated_at"]


class CountrySerializer(serializers.ModelSerializer):
    state_bureau_code = serializers.CharField(source="state_bureau.code", read_only=True)
    combatant_command_code = serializers.CharField(source="combatant_command.code", read_only=True)

    class Meta:
        model = Country
        fields = [
            "id", "iso3", "iso2", "name", "state_bureau", "state_bureau_code",
            "combatant_command", "combatant_command_code", "priority_tier", "updated_at",
        ]


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "code", "name", "updated_at"]


class GoalSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Goal
        fields = ["id", "code", "title", "parent", "parent_code", "sort_order", "updated_at"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "dac_code", "name", "category", "updated_at"]


class PartnerInstitutionSerializer(serializers.ModelSerializer):
    country_iso3 = serializers.CharField(source="country.iso3", read_only=True)

    class Meta:
        model = PartnerInstitution
        fields = [
            "id", "country", "country_iso3", "name", "institution_type", "nature", "level",
            "archived_at", "updated_at",
        ]


class ImplementingPartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImplementingPartner
        fields = ["id", "name", "kind", "archived_at", "updated_at"]

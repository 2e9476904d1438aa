"""Allocation scenarios: read shapes (inputs, result, reasons) and the write input.
Amounts are US dollars; duals are weighted benefit per one more $M (docs/allocation.md)."""
from rest_framework import serializers

from allocation import models
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

from .fields import DecimalNumber, ID_MAX, Text, WholeNumber

MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class EnvelopeSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Envelope
        fields = ["account", "amount", "allocated", "dual"]


class MinimumSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", read_only=True, allow_null=True, default=None)

    class Meta:
        model = models.CountryMinimum
        fields = ["country", "tier", "amount"]


class CeilingSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", read_only=True)

    class Meta:
        model = models.CountryCeiling
        fields = ["country", "amount"]


class RestrictionSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", read_only=True)

    class Meta:
        model = models.AccountRestriction
        fields = ["country", "account"]


class ScenarioSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    infeasibility = serializers.SerializerMethodField(help_text="Why no allocation meets every floor, one reason each.")

    class Meta:
        model = models.Scenario
        fields = ["id", "fiscal_year", "name", "author", "status", "ceiling_multiple", "objective", "solved_at",
                  "infeasibility", "version", "created_at", "updated_at"]

    def get_infeasibility(self, scenario: models.Scenario) -> list[str]:
        return [line for line in scenario.infeasibility.splitlines() if line]


class CountryOutcomeSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", read_only=True)

    class Meta:
        model = models.CountryOutcome
        fields = ["country", "weight", "band", "eligible", "ineligible_reason", "minimum", "ceiling", "total",
                  "current_plan", "benefit", "ceiling_binds", "minimum_binds", "ceiling_dual"]


class AllocationLineSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.iso3", read_only=True)
    binding = serializers.SerializerMethodField()

    class Meta:
        model = models.AllocationLine
        fields = ["country", "account", "amount", "commitment", "current_plan", "eligible", "binding"]

    def get_binding(self, line: models.AllocationLine) -> list[str]:
        return [part for part in line.binding.split(", ") if part]


class ScenarioDetailSerializer(ScenarioSerializer):
    envelopes = EnvelopeSerializer(many=True, read_only=True)
    minimums = MinimumSerializer(many=True, read_only=True)
    ceilings = CeilingSerializer(many=True, read_only=True)
    restrictions = RestrictionSerializer(many=True, read_only=True)
    countries = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    class Meta(ScenarioSerializer.Meta):
        fields = ScenarioSerializer.Meta.fields + ["envelopes", "minimums", "ceilings", "restrictions", "countries",
                                                   "lines"]

    def get_countries(self, scenario: models.Scenario) -> list[dict]:
        return CountryOutcomeSerializer(self.context["outcomes"], many=True).data

    def get_lines(self, scenario: models.Scenario) -> list[dict]:
        return AllocationLineSerializer(self.context["lines"], many=True).data


class EnvelopeInputSerializer(serializers.Serializer):
    account = Text(max_length=200)
    amount = DecimalNumber(**MONEY)


class MinimumInputSerializer(serializers.Serializer):
    country = Text(max_length=3, required=False, help_text="ISO3; give a country or a tier.")
    tier = WholeNumber(min_value=1, max_value=4, required=False)
    amount = DecimalNumber(**MONEY)

    def validate(self, data):
        if ("country" in data) == ("tier" in data):
            raise serializers.ValidationError("Give either a country (ISO3) or a tier.")
        return data


class CeilingInputSerializer(serializers.Serializer):
    country = Text(max_length=3)
    amount = DecimalNumber(**MONEY)


class RestrictionInputSerializer(serializers.Serializer):
    country = Text(max_length=3)
    account = Text(max_length=200)


class ScenarioWriteSerializer(serializers.Serializer):
    fiscal_year = WholeNumber(min_value=MIN_FISCAL_YEAR, max_value=MAX_FISCAL_YEAR)
    name = Text(max_length=200)
    ceiling_multiple = DecimalNumber(max_digits=6, decimal_places=2, min_value=0, required=False)
    envelopes = serializers.ListField(child=EnvelopeInputSerializer(), allow_empty=False, min_length=1)
    minimums = MinimumInputSerializer(many=True, required=False, default=list)
    ceilings = CeilingInputSerializer(many=True, required=False, default=list)
    restrictions = RestrictionInputSerializer(many=True, required=False, default=list)
    version = WholeNumber(min_value=1, max_value=ID_MAX, required=False,
                                       help_text="For an update (PUT): the version you read; missing or stale "
                                                 "is a 409 stale_version, nothing saved. Ignored on create.")


class ComparisonQuerySerializer(serializers.Serializer):
    first = WholeNumber(min_value=1, max_value=ID_MAX)
    second = WholeNumber(min_value=1, max_value=ID_MAX)


class ComparisonRowSerializer(serializers.Serializer):
    country = serializers.CharField(source="iso3")
    name = serializers.CharField()
    current_plan = DecimalNumber(max_digits=16, decimal_places=2)
    totals = serializers.ListField(child=DecimalNumber(max_digits=16, decimal_places=2, allow_null=True))


class AccountComparisonRowSerializer(serializers.Serializer):
    account = serializers.CharField()
    current_plan = DecimalNumber(max_digits=16, decimal_places=2)
    envelopes = serializers.ListField(child=DecimalNumber(max_digits=16, decimal_places=2, allow_null=True))
    allocated = serializers.ListField(child=DecimalNumber(max_digits=16, decimal_places=2, allow_null=True))


class ComparisonSerializer(serializers.Serializer):
    scenarios = ScenarioSerializer(many=True)
    countries = ComparisonRowSerializer(many=True)
    accounts = AccountComparisonRowSerializer(many=True)

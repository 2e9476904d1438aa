"""MOEs with their targets, and measurements: read shapes and write inputs."""
from decimal import Decimal

from rest_framework import serializers

from programs.models import (
    Direction,
    Frequency,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementDisaggregation,
    MoeKind,
    Program,
    Target,
)

from programs.selectors.measures import measurement_breakdown_status

from .fields import DecimalNumber, ID_MAX, IsoDate, PeriodCode, RowId, Text, VersionField, WholeNumber
from .programs import RationaleMixin

VALUE = {"max_digits": 18, "decimal_places": 4}
# programs.models.moe_value_problem, in the schema's words (OpenAPI 3.0 cannot state a rule
# between two fields, nor one on the MOE a value names)
VALUE_RULE = ("Not below zero unless the MOE allows negative values; a percent MOE's (unit percent, %, "
              "percentage) 0 to 100 unless it allows negative values (a change in percent).")


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["period", "period_end", "value", "version", "updated_at"]


class MoeSerializer(serializers.ModelSerializer):
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = MeasureOfEffectiveness
        fields = [
            "id", "program", "name", "kind", "unit", "allows_negative", "direction", "is_cumulative",
            "frequency", "baseline_value", "baseline_date", "weight", "means_of_verification",
            "targets", "version", "archived_at", "created_at", "updated_at",
        ]


class TargetInputSerializer(serializers.Serializer):
    period = PeriodCode()
    value = DecimalNumber(**VALUE, help_text=VALUE_RULE)


class MoeWriteSerializer(RationaleMixin):
    program = RowId(queryset=Program.objects.select_related("lead_agency"))
    name = Text(max_length=300)
    kind = serializers.ChoiceField(choices=MoeKind.choices, required=False)
    unit = Text(max_length=60)
    allows_negative = serializers.BooleanField(required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    is_cumulative = serializers.BooleanField(required=False)
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)
    baseline_value = DecimalNumber(**VALUE, help_text=VALUE_RULE)
    baseline_date = IsoDate()
    weight = DecimalNumber(max_digits=6, decimal_places=3, min_value=Decimal("0.001"), required=False)
    means_of_verification = Text(multiline=True, required=False, allow_blank=True, max_length=5000)
    targets = TargetInputSerializer(many=True, required=False, max_length=200)
    version = VersionField(
        help_text="The version you read; required for updates (missing or stale: 409, nothing saved)."
    )


class TargetWriteSerializer(TargetInputSerializer, RationaleMixin):
    version = VersionField(
        help_text="The version of this period's target you read; omit (or 0) when the period has no target yet."
    )


class BreakdownValueSerializer(serializers.ModelSerializer):
    category = WholeNumber(source="category_id", read_only=True)
    dimension = serializers.CharField(source="category.dimension", read_only=True)
    name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = MeasurementDisaggregation
        fields = ["category", "dimension", "name", "value"]


class MeasurementSerializer(serializers.ModelSerializer):
    program = WholeNumber(source="moe.program_id", read_only=True)
    breakdown = BreakdownValueSerializer(many=True, read_only=True)
    breakdown_status = serializers.SerializerMethodField(
        help_text="complete, partial, mismatch (categories of a dimension do not add up) or none."
    )
    entered_by = serializers.CharField(source="entered_by.username", read_only=True, allow_null=True, default=None)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Measurement
        fields = [
            "id", "moe", "program", "period", "period_end", "value", "source", "evidence_url",
            "collected_on", "status", "return_reason", "entered_by", "approved_by", "approved_at",
            "breakdown", "breakdown_partial", "breakdown_status", "version", "created_at", "updated_at",
        ]

    def get_breakdown_status(self, measurement: Measurement) -> str:
        return measurement_breakdown_status(measurement).value


class BreakdownInputSerializer(serializers.Serializer):
    category = WholeNumber(min_value=1, max_value=ID_MAX, help_text="A disaggregation category of the MOE.")
    value = DecimalNumber(**VALUE)


class MeasurementWriteSerializer(RationaleMixin):
    """Record the value of an MOE for a period (creates it, or updates the existing one)."""

    moe = RowId(queryset=MeasureOfEffectiveness.objects.all())
    period = PeriodCode()
    value = DecimalNumber(**VALUE, help_text=VALUE_RULE)
    source = Text(required=False, allow_blank=True, max_length=250)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=200)
    collected_on = IsoDate(required=False, allow_null=True)
    breakdown = BreakdownInputSerializer(
        many=True, required=False, max_length=500,
        help_text="Values by disaggregation category; replaces the stored breakdown. The categories of a "
                  "dimension sum to the value (to at most it when breakdown_partial).",
    )
    breakdown_partial = serializers.BooleanField(required=False)
    version = VersionField(
        help_text="The version of this period's measurement you read; omit (or 0) when it has none yet. "
        "Missing or stale over an existing measurement: 409, nothing saved.",
    )

    def validate_breakdown(self, items: list[dict]) -> dict[int, Decimal]:
        """[{category, value}, ...] -> {category id: value}, each category once."""
        ids = [item["category"] for item in items]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("A category appears twice.")
        return {item["category"]: item["value"] for item in items}


class VersionSerializer(serializers.Serializer):
    version = VersionField(help_text="The version you read (missing or stale: 409, nothing saved).")


class MeasurementReturnSerializer(VersionSerializer):
    reason = Text(multiline=True, max_length=2000)

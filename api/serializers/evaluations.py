"""Rollups, evaluations with recommendations, coordination findings (read-only)."""
from rest_framework import serializers

from evaluations.models import CountryRollup, Evaluation, GoalRollup, ProgramRollup, Recommendation, RegionRollup


class ProgramRollupSerializer(serializers.ModelSerializer):
    program_code = serializers.CharField(source="program.code", read_only=True)

    class Meta:
        model = ProgramRollup
        fields = [
            "program", "program_code", "achievement", "status", "moe_count", "moes_with_data",
            "funding_weight", "country_ids", "goal_ids", "computed_at",
        ]


class CountryRollupSerializer(serializers.ModelSerializer):
    country_iso3 = serializers.CharField(source="country.iso3", read_only=True)

    class Meta:
        model = CountryRollup
        fields = ["country", "country_iso3", "achievement", "status", "program_count", "programs_with_data", "computed_at"]


class RegionRollupSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    scheme = serializers.CharField(source="region.scheme", read_only=True)

    class Meta:
        model = RegionRollup
        fields = ["region", "region_code", "scheme", "achievement", "status", "program_count", "programs_with_data", "computed_at"]


class GoalRollupSerializer(serializers.ModelSerializer):
    goal_code = serializers.CharField(source="goal.code", read_only=True)

    class Meta:
        model = GoalRollup
        fields = ["goal", "goal_code", "achievement", "status", "program_count", "programs_with_data", "computed_at"]


class RecommendationSerializer(serializers.ModelSerializer):
    program = serializers.IntegerField(source="evaluation.program_id", read_only=True)

    class Meta:
        model = Recommendation
        fields = ["id", "evaluation", "program", "text", "owner", "due_on", "follow_up_status", "follow_up_note", "version",
                  "updated_at"]


class EvaluationSerializer(serializers.ModelSerializer):
    program_code = serializers.CharField(source="program.code", read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id", "program", "program_code", "evaluation_type", "title", "evaluator", "is_independent",
            "started_on", "completed_on", "rating", "findings", "recommendations", "version", "created_at", "updated_at",
        ]


class FindingAcknowledgementSerializer(serializers.Serializer):
    note = serializers.CharField()
    acknowledged_by = serializers.CharField(source="acknowledged_by.username")
    acknowledged_at = serializers.DateTimeField()


class FindingLinkSerializer(serializers.Serializer):
    label = serializers.CharField()
    url = serializers.CharField()


class CoordinationFindingSerializer(serializers.Serializer):
    """A finding of the coordination checks (computed live from current data)."""

    check = serializers.CharField(help_text="overlap, donor_overlap, gap, surge or vetting")
    check_title = serializers.CharField()
    fingerprint = serializers.CharField(help_text="Stable while the data the finding rests on is unchanged.")
    summary = serializers.CharField()
    country = serializers.CharField()
    links = FindingLinkSerializer(many=True, help_text="Related records: label and portal URL.")
    acknowledgement = FindingAcknowledgementSerializer(allow_null=True)

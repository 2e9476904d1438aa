"""Country assessments, selectivity scores: read shapes and write inputs."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import BandCap, CountryAssessment, CriterionScore, SelectivityScore
from assessments.selectors import score_caps
from programs.models import Country

from .fields import IsoDate, RowId, Text, UrlLines, VersionField, WholeNumber


class CriterionScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.code", read_only=True)

    class Meta:
        model = CriterionScore
        fields = ["criterion", "score", "justification", "evidence_url"]


class AssessmentSerializer(serializers.ModelSerializer):
    country_iso3 = serializers.CharField(source="country.iso3", read_only=True)
    framework_version = WholeNumber(source="framework.version", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, allow_null=True, default=None)
    scores = CriterionScoreSerializer(many=True, read_only=True)

    class Meta:
        model = CountryAssessment
        fields = [
            "id", "country", "country_iso3", "framework_version", "assessed_on", "summary", "evidence_links",
            "status", "scores", "created_by", "submitted_at", "approved_by", "approved_at", "return_reason",
            "version", "created_at", "updated_at",
        ]


class CriterionScoreInputSerializer(serializers.Serializer):
    score = WholeNumber(min_value=1, max_value=5)
    justification = Text(multiline=True, max_length=5000)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=200)


class AssessmentWriteSerializer(serializers.Serializer):
    """A whole assessment: one score with a justification for every criterion of the
    current framework, keyed by criterion code (see the framework in the portal)."""

    country = RowId(queryset=Country.objects.all(), required=False)
    assessed_on = IsoDate(help_text="Not in the future.")
    summary = Text(multiline=True, required=False, allow_blank=True, max_length=20000)
    evidence_links = UrlLines(max_length=20000)
    scores = serializers.DictField(
        child=CriterionScoreInputSerializer(),
        help_text="Criterion code -> score: every criterion of the current framework, and no other.",
    )
    version = VersionField(help_text="The version you read; required for updates (missing or stale: 409, nothing saved).")


class AssessmentCreateSerializer(AssessmentWriteSerializer):
    """A new draft: as a write, with the country required (an update keeps its country)."""

    country = RowId(queryset=Country.objects.all())


class AssessmentReturnSerializer(serializers.Serializer):
    reason = Text(multiline=True, max_length=2000)
    version = VersionField(help_text="The version you read (missing or stale: 409, nothing saved).")


class BandCapSerializer(serializers.ModelSerializer):
    class Meta:
        model = BandCap
        fields = ["condition", "max_band", "reason"]


class SelectivityScoreSerializer(serializers.ModelSerializer):
    country_iso3 = serializers.CharField(source="country.iso3", read_only=True)
    framework_version = WholeNumber(source="framework.version", read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True)
    caps = serializers.SerializerMethodField(help_text="The framework's caps whose condition held.")

    class Meta:
        model = SelectivityScore
        fields = [
            "id", "country", "country_iso3", "score", "low", "high", "band", "band_uncapped", "caps", "flags",
            "priority_component",
            "conditions_component", "effectiveness_component", "weight_priority", "weight_conditions",
            "weight_effectiveness", "framework_version", "priority_tier", "tier_decided_at", "assessment",
            "assessment_date", "rollup_computed_at", "flag_incomplete", "flag_stale_assessment",
            "flag_human_rights", "flag_open_crisis", "as_of", "computed_at",
        ]
        extra_kwargs = {
            "low": {"help_text": "Low end of the range: each missing component at 0 (the ranking uses it)."},
            "high": {"help_text": "High end of the range: each missing component at 100."},
            "band_uncapped": {"help_text": "The band of the score before the framework's caps."},
        }

    @extend_schema_field(BandCapSerializer(many=True))
    def get_caps(self, score: SelectivityScore) -> list[dict]:
        return BandCapSerializer(score_caps(score), many=True).data

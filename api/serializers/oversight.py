"""Program reviews and crisis events (read-only in the API)."""
from rest_framework import serializers

from programs.models import CrisisEvent, ProgramReview


class ProgramReviewSerializer(serializers.ModelSerializer):
    fiscal_year = serializers.IntegerField(source="cycle.fiscal_year", read_only=True, allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ProgramReview
        fields = [
            "id", "program", "fiscal_year", "out_of_cycle", "crisis", "decision", "rationale",
            "decided_by", "decided_at", "created_at", "updated_at",
        ]


class CrisisEventSerializer(serializers.ModelSerializer):
    country_iso3 = serializers.CharField(source="country.iso3", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = CrisisEvent
        fields = [
            "id", "country", "country_iso3", "title", "description", "occurred_on", "closed_on",
            "is_open", "created_at", "updated_at",
        ]

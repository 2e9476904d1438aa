"""Admin: evaluations, acknowledgements and rollups are read here (written through the
services and the recompute); nothing is deleted (infrastructure.purge)."""
from django.contrib import admin

from infrastructure.admin_protection import ReadOnlyAdminMixin, ReadOnlyInline

from .models import (
    CountryRollup,
    Evaluation,
    EvaluationDocument,
    FindingAcknowledgement,
    GoalRollup,
    ProgramRollup,
    Recommendation,
    RegionRollup,
)


class DocumentInline(ReadOnlyInline):
    model = EvaluationDocument


class RecommendationInline(ReadOnlyInline):
    model = Recommendation


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "program", "evaluation_type", "started_on", "completed_on", "rating")
    list_filter = ("evaluation_type", "rating")
    search_fields = ("title", "program__code", "evaluator")
    list_select_related = ("program",)
    raw_id_fields = ("program", "created_by")
    inlines = [DocumentInline, RecommendationInline]


@admin.register(FindingAcknowledgement)
class FindingAcknowledgementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("check_name", "fingerprint", "acknowledged_by", "acknowledged_at")
    list_filter = ("check_name",)


class ReadOnlyRollupAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rollups are computed: visible, never edited or deleted by hand."""

    list_display = ("__str__", "achievement", "status", "computed_at")
    list_filter = ("status",)


for model in (ProgramRollup, CountryRollup, RegionRollup, GoalRollup):
    admin.site.register(model, ReadOnlyRollupAdmin)

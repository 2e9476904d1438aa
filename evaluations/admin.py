from django.contrib import admin

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


class DocumentInline(admin.TabularInline):
    model = EvaluationDocument
    extra = 0


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("title", "program", "evaluation_type", "started_on", "completed_on", "rating")
    list_filter = ("evaluation_type", "rating")
    search_fields = ("title", "program__code", "evaluator")
    list_select_related = ("program",)
    raw_id_fields = ("program", "created_by")
    inlines = [DocumentInline, RecommendationInline]


@admin.register(FindingAcknowledgement)
class FindingAcknowledgementAdmin(admin.ModelAdmin):
    list_display = ("check_name", "fingerprint", "acknowledged_by", "acknowledged_at")
    list_filter = ("check_name",)


class ReadOnlyRollupAdmin(admin.ModelAdmin):
    """Rollups are computed: visible, never edited by hand."""

    list_display = ("__str__", "achievement", "status", "computed_at")
    list_filter = ("status",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


for model in (ProgramRollup, CountryRollup, RegionRollup, GoalRollup):
    admin.site.register(model, ReadOnlyRollupAdmin)

"""Admin: administrators maintain framework versions; assessments and scores are read here
(written through assessments.services only); nothing is deleted (infrastructure.purge)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin_protection import NoDeleteAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline

from .models import AssessmentFramework, CountryAssessment, Criterion, CriterionScore, SelectivityScore


def _framework_in_use(framework) -> bool:
    return framework is not None and framework.pk is not None and framework.assessments.exists()


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        # A version in use is frozen, so that old scores stay explainable: publish a new one.
        if _framework_in_use(obj):
            return ["code", "name", "description", "weight", "is_human_rights", "sort_order"]
        return []

    def has_delete_permission(self, request, obj=None):
        return not _framework_in_use(obj)

    def has_add_permission(self, request, obj=None):
        return not _framework_in_use(obj)


@admin.register(AssessmentFramework)
class AssessmentFrameworkAdmin(NoDeleteAdminMixin, SimpleHistoryAdmin):
    list_display = ["version", "name", "weight_priority", "weight_conditions", "weight_effectiveness", "published_on", "retired_on"]
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        if _framework_in_use(obj):
            return ["version", "weight_priority", "weight_conditions", "weight_effectiveness", "published_on"]
        return []


class CriterionScoreInline(ReadOnlyInline):
    model = CriterionScore


@admin.register(CountryAssessment)
class CountryAssessmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["country", "framework", "assessed_on", "status", "created_by", "approved_by"]
    list_filter = ["status", "framework"]
    search_fields = ["country__name", "country__iso3"]
    list_select_related = ["country", "framework", "created_by", "approved_by"]
    inlines = [CriterionScoreInline]


@admin.register(SelectivityScore)
class SelectivityScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Computed scores: visible, never edited or deleted by hand."""

    list_display = ["country", "computed_at", "score", "band", "framework"]
    list_filter = ["band", "framework"]
    search_fields = ["country__name", "country__iso3"]
    list_select_related = ["country", "framework"]

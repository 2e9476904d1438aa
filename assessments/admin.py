"""Admin: administrators maintain framework versions; assessments and scores are read here
(written through assessments.services only); nothing is deleted (infrastructure.purge)."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin_protection import DigitsCheckedAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline, ServiceSaveAdminMixin

from .models import AssessmentFramework, BandCap, CountryAssessment, Criterion, CriterionScore, SelectivityScore


def _framework_in_use(framework) -> bool:
    """A version with assessments or scores is frozen: its rules explain them."""
    return (
        framework is not None
        and framework.pk is not None
        and (framework.assessments.exists() or SelectivityScore.objects.filter(framework=framework).exists())
    )


class FrozenWhenInUseInline(DigitsCheckedAdminMixin, admin.TabularInline):
    """Rows of a framework version, frozen once the version is in use, so that old scores
    stay explainable: to change them, publish a new version."""

    extra = 0
    frozen_fields: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        return self.frozen_fields if _framework_in_use(obj) else []

    def has_delete_permission(self, request, obj=None):
        return not _framework_in_use(obj)

    def has_add_permission(self, request, obj=None):
        return not _framework_in_use(obj)


class CriterionInline(FrozenWhenInUseInline):
    model = Criterion
    frozen_fields = ["code", "name", "description", "weight", "is_human_rights", "sort_order"]


class BandCapInline(FrozenWhenInUseInline):
    model = BandCap
    frozen_fields = ["condition", "max_band", "reason"]


@admin.register(AssessmentFramework)
class AssessmentFrameworkAdmin(ServiceSaveAdminMixin, SimpleHistoryAdmin):
    """Framework versions, their criteria and band caps: saved through the service with the
    administrator in their history; frozen once in use (publish a new version instead)."""

    list_display = ["version", "name", "weight_priority", "weight_conditions", "weight_effectiveness", "published_on", "retired_on"]
    inlines = [CriterionInline, BandCapInline]

    def get_readonly_fields(self, request, obj=None):
        if _framework_in_use(obj):
            return ["version", "weight_priority", "weight_conditions", "weight_effectiveness", "published_on"]
        return []


@admin.register(BandCap)
class BandCapAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Read here with their change history; edited in their framework version's page."""

    list_display = ["framework", "condition", "max_band", "reason"]
    list_filter = ["framework"]
    list_select_related = ["framework"]


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

    list_display = ["country", "computed_at", "score", "low", "high", "band_uncapped", "band", "caps_applied", "framework"]
    list_filter = ["band", "framework"]
    search_fields = ["country__name", "country__iso3"]
    list_select_related = ["country", "framework"]

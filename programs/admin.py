"""Django admin for every model of the programs app, with search, filters and history.

Domain records (programs and what belongs to them, records, reviews, crises, tiers) are
read-only here: they are written through the services (versions, archives, permissions,
four eyes, rationale, recomputes). Reference data is maintained here through a service
(a country through ``services.reference_records.country_save``), never deleted. Users are
administered in ``identity.admin``. No hard delete anywhere but the administrator purge
(infrastructure.purge).
"""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin_protection import (
    DigitsCheckedAdminMixin,
    NoDeleteAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ServiceSaveAdminMixin,
)

from . import models as m
from .services.reference_records import country_save


class PortalAdmin(ServiceSaveAdminMixin, SimpleHistoryAdmin):
    """Reference data: administrators add and change it through a service; nothing is deleted."""

    list_per_page = 50


class ReferenceAdmin(ServiceSaveAdminMixin, admin.ModelAdmin):
    """Reference data without history: added and changed through a service, never deleted."""


class DomainAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Domain records: viewable with their history; written through the services only."""

    list_per_page = 50


@admin.register(m.Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ("code", "name", "scheme")
    list_filter = ("scheme",)
    search_fields = ("code", "name")


@admin.register(m.Country)
class CountryAdmin(PortalAdmin):
    list_display = ("iso3", "name", "state_bureau", "combatant_command", "priority_tier")
    list_filter = ("state_bureau", "combatant_command", "priority_tier")
    list_select_related = ("state_bureau", "combatant_command")
    search_fields = ("iso3", "iso2", "name")
    readonly_fields = ("priority_tier",)  # follows the managers' tier decisions
    save_service = staticmethod(country_save)


@admin.register(m.RegionalOrganization)
class RegionalOrganizationAdmin(PortalAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    filter_horizontal = ("members",)


class OfficeInline(DigitsCheckedAdminMixin, NoDeleteAdminMixin, admin.TabularInline):
    model = m.Office
    extra = 0
    can_delete = False


@admin.register(m.Agency)
class AgencyAdmin(PortalAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [OfficeInline]


@admin.register(m.Office)
class OfficeAdmin(PortalAdmin):
    list_display = ("code", "name", "agency")
    list_filter = ("agency",)
    search_fields = ("code", "name")


@admin.register(m.Goal)
class GoalAdmin(ReferenceAdmin):
    list_display = ("code", "title", "parent")
    list_filter = ("parent",)
    search_fields = ("code", "title")


@admin.register(m.Sector)
class SectorAdmin(ReferenceAdmin):
    list_display = ("dac_code", "name", "category")
    list_filter = ("category",)
    search_fields = ("dac_code", "name")


@admin.register(m.PartnerInstitution)
class PartnerInstitutionAdmin(DomainAdmin):
    list_display = ("name", "country", "institution_type", "nature", "level", "archived_at")
    list_filter = ("institution_type", "nature", "level", "country__state_bureau")
    list_select_related = ("country",)
    search_fields = ("name", "country__name")
    autocomplete_fields = ("country",)


@admin.register(m.ImplementingPartner)
class ImplementingPartnerAdmin(DomainAdmin):
    list_display = ("name", "kind", "archived_at")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(m.OtherDonor)
class OtherDonorAdmin(PortalAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


class ObjectiveInline(ReadOnlyInline):
    model = m.Objective
    extra = 0
    fields = ("code", "description", "measure")


@admin.register(m.Strategy)
class StrategyAdmin(DomainAdmin):
    list_display = ("title", "scope", "country", "region", "start_fy", "end_fy")
    list_filter = ("scope", "region")
    list_select_related = ("country", "region")
    search_fields = ("title", "country__name")
    inlines = [ObjectiveInline]


@admin.register(m.Objective)
class ObjectiveAdmin(DomainAdmin):
    list_display = ("code", "strategy", "description")
    search_fields = ("code", "description", "strategy__title")
    list_select_related = ("strategy",)
    filter_horizontal = ("goals",)


class FundingInline(ReadOnlyInline):
    model = m.Funding
    extra = 0
    fields = ("fiscal_year", "planned", "obligated", "disbursed")


@admin.register(m.Program)
class ProgramAdmin(DomainAdmin):
    list_display = ("code", "title", "lead_agency", "status", "start_fy", "end_fy", "is_surge", "archived_at")
    list_filter = ("status", "lead_agency", "purpose", "is_surge", "goals", "countries__state_bureau")
    list_select_related = ("lead_agency",)
    search_fields = ("code", "title", "description")
    filter_horizontal = (
        "supporting_agencies",
        "countries",
        "partner_institutions",
        "goals",
        "objectives",
        "sectors",
        "implementing_partners",
    )
    raw_id_fields = ("long_term_objective",)
    inlines = [FundingInline]


@admin.register(m.Funding)
class FundingAdmin(DomainAdmin):
    list_display = ("program", "fiscal_year", "planned", "obligated", "disbursed")
    list_filter = ("fiscal_year",)
    list_select_related = ("program",)
    search_fields = ("program__code", "program__title")
    raw_id_fields = ("program",)


class TargetInline(ReadOnlyInline):
    model = m.Target
    extra = 0
    fields = ("period", "value")


class DisaggregationCategoryInline(ReadOnlyInline):
    model = m.DisaggregationCategory
    extra = 0


@admin.register(m.MeasureOfEffectiveness)
class MeasureOfEffectivenessAdmin(DomainAdmin):
    list_display = ("name", "program", "kind", "direction", "frequency", "is_cumulative", "weight")
    list_filter = ("kind", "direction", "frequency", "is_cumulative")
    list_select_related = ("program",)
    search_fields = ("name", "program__code")
    raw_id_fields = ("program",)
    inlines = [TargetInline, DisaggregationCategoryInline]


@admin.register(m.Target)
class TargetAdmin(DomainAdmin):
    list_display = ("moe", "period", "value")
    search_fields = ("moe__name", "moe__program__code", "period")
    list_select_related = ("moe",)
    raw_id_fields = ("moe",)


@admin.register(m.DisaggregationCategory)
class DisaggregationCategoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("moe", "dimension", "name")
    search_fields = ("dimension", "name", "moe__name")
    raw_id_fields = ("moe",)


@admin.register(m.Measurement)
class MeasurementAdmin(DomainAdmin):
    list_display = ("moe", "period", "value", "status", "entered_by", "approved_by")
    list_filter = ("status",)
    list_select_related = ("moe", "entered_by", "approved_by")
    search_fields = ("moe__name", "moe__program__code", "period")
    raw_id_fields = ("moe", "entered_by", "approved_by")


@admin.register(m.MeasurementDisaggregation)
class MeasurementDisaggregationAdmin(DomainAdmin):
    list_display = ("measurement", "category", "value")
    raw_id_fields = ("measurement", "category")


@admin.register(m.Vetting)
class VettingAdmin(DomainAdmin):
    list_display = ("institution", "unit_name", "status", "requested_on", "decided_on", "expires_on")
    list_filter = ("status",)
    list_select_related = ("institution",)
    search_fields = ("institution__name", "unit_name", "reference")
    raw_id_fields = ("institution",)


@admin.register(m.DonorEngagement)
class DonorEngagementAdmin(DomainAdmin):
    list_display = ("donor", "country", "sector", "start_fy", "end_fy", "amount_usd")
    list_filter = ("donor", "sector")
    list_select_related = ("donor", "country", "sector")
    search_fields = ("donor__name", "country__name", "description")
    autocomplete_fields = ("country",)


@admin.register(m.PlanningCycle)
class PlanningCycleAdmin(DomainAdmin):
    list_display = ("fiscal_year", "is_open")


@admin.register(m.CountryPriorityTier)
class CountryPriorityTierAdmin(DomainAdmin):
    list_display = ("country", "cycle", "tier", "set_by")
    list_filter = ("cycle", "tier")
    list_select_related = ("country", "cycle", "set_by")
    search_fields = ("country__name", "rationale")
    autocomplete_fields = ("country",)


@admin.register(m.CrisisEvent)
class CrisisEventAdmin(DomainAdmin):
    list_display = ("title", "country", "occurred_on", "closed_on")
    list_select_related = ("country",)
    search_fields = ("title", "country__name")
    autocomplete_fields = ("country",)


@admin.register(m.ProgramReview)
class ProgramReviewAdmin(DomainAdmin):
    list_display = ("program", "cycle", "out_of_cycle", "decision", "decided_by", "decided_at")
    list_filter = ("decision", "out_of_cycle", "cycle")
    list_select_related = ("program", "cycle", "decided_by")
    search_fields = ("program__code", "rationale")
    raw_id_fields = ("program", "crisis")


@admin.register(m.ImportJob)
class ImportJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: jobs are written by the importer only."""

    list_display = ("file_name", "uploaded_by", "status", "row_count", "created_at")
    list_filter = ("status", "file_format")
    list_select_related = ("uploaded_by",)
    search_fields = ("file_name", "sha256")
    exclude = ("content",)


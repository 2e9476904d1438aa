"""Admin: scenarios are read here (with history); pages and the API change them through
the services, which check the inputs and keep results consistent."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin_protection import ReadOnlyAdminMixin

from .models import Envelope, Scenario


class EnvelopeInline(admin.TabularInline):
    model = Envelope
    extra = 0
    fields = ["account", "amount", "allocated", "dual"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "fiscal_year", "status", "author", "updated_at"]
    list_filter = ["fiscal_year", "status"]
    search_fields = ["name"]
    readonly_fields = ["fiscal_year", "name", "author", "status", "ceiling_multiple", "solved_at", "objective",
                       "infeasibility", "version"]
    inlines = [EnvelopeInline]

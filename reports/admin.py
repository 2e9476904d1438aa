from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin_protection import ServiceSaveAdminMixin, SingleRowAdminMixin

from .models import BriefSettings


@admin.register(BriefSettings)
class BriefSettingsAdmin(SingleRowAdminMixin, ServiceSaveAdminMixin, SimpleHistoryAdmin):
    """One row (made by the migration): administrators change the briefs' footer text,
    saved through ``admin_record_save`` (validated, with the administrator and the changed
    fields in its history); it is never added twice nor deleted."""

    fields = ["footer_text", "updated_at"]
    readonly_fields = ["updated_at"]

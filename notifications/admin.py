"""Administrators set the reporting deadline here (with its history: who changed the
grace period, when); notifications are read-only and never deleted here."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from infrastructure.admin_protection import ReadOnlyAdminMixin, ServiceSaveAdminMixin, SingleRowAdminMixin

from .models import Notification, ReportingPolicy


@admin.register(ReportingPolicy)
class ReportingPolicyAdmin(SingleRowAdminMixin, ServiceSaveAdminMixin, SimpleHistoryAdmin):
    """Saves through ``admin_record_save``: validated, with the administrator and the
    changed fields in the history."""

    list_display = ("__str__", "grace_days", "updated_at")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")

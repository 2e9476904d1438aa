"""Administrators set the reporting deadline here; notifications are read-only."""
from django.contrib import admin

from .models import Notification, ReportingPolicy


@admin.register(ReportingPolicy)
class ReportingPolicyAdmin(admin.ModelAdmin):
    list_display = ("grace_days", "updated_at")

    def has_add_permission(self, request) -> bool:
        return not ReportingPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "recipient__username")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

from django.contrib import admin

from .admin_protection import ReadOnlyAdminMixin
from .models import DeferredTask


@admin.register(DeferredTask)
class DeferredTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Work waiting for the broker, replayed by ``deferred_tasks_replay``: visible, never
    edited or dropped by hand."""

    list_display = ("task_name", "created_at")
    readonly_fields = ("task_name", "args", "kwargs", "error", "created_at")

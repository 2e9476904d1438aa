from django.contrib import admin

from .models import DeferredTask


@admin.register(DeferredTask)
class DeferredTaskAdmin(admin.ModelAdmin):
    """Work waiting for the broker; replayed by ``deferred_tasks_replay``."""

    list_display = ("task_name", "created_at")
    readonly_fields = ("task_name", "args", "kwargs", "error", "created_at")

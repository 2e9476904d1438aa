"""Operational records: background work that could not be published to the broker."""
from django.db import models


class DeferredTask(models.Model):
    """A task whose publication failed (broker down); replayed by the next scheduled run."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        db_table = "programs_deferredtask"  # kept from when it lived in programs

    def __str__(self) -> str:
        return self.task_name

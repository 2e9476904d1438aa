"""Spreadsheet import jobs: the uploaded file, its preview report and its outcome.

The file's bytes stay in the row so that the confirm step re-reads exactly the file
that was previewed (the SHA-256 is checked again before confirming).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from infrastructure.constraints import choice_constraint
from infrastructure.models import RationaleCategory, TimeStamped


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel workbook (XLSX)"


class ImportStatus(models.TextChoices):
    PREVIEW_QUEUED = "preview_queued", "Waiting to be checked"
    PREVIEWING = "previewing", "Checking"
    PREVIEWED = "previewed", "Checked, waiting for confirmation"
    CONFIRM_QUEUED = "confirm_queued", "Waiting to be imported"
    CONFIRMING = "confirming", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed"


# A job in one of these states has work queued or running (the page polls its progress).
RUNNING_IMPORT_STATUSES = (
    ImportStatus.PREVIEW_QUEUED,
    ImportStatus.PREVIEWING,
    ImportStatus.CONFIRM_QUEUED,
    ImportStatus.CONFIRMING,
)


class ImportJob(TimeStamped):
    """One uploaded spreadsheet, checked (preview) and then, if clean, imported (confirm)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=ImportFormat.choices)
    content = models.BinaryField(help_text="The uploaded file, byte for byte.")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(help_text="Bytes.")
    rationale_category = models.CharField(max_length=32, blank=True, choices=RationaleCategory.choices)
    rationale = models.TextField(blank=True, help_text="Applies to every edit of approved data in the file.")
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEW_QUEUED)
    row_count = models.PositiveIntegerField(default=0, help_text="Data rows in the file.")
    report = models.JSONField(default=list, blank=True, help_text="One entry per row: outcome and errors.")
    summary = models.JSONField(default=dict, blank=True, help_text="Rows per outcome.")
    failure = models.TextField(blank=True, help_text="Why the job could not run at all.")
    task_id = models.CharField("task ID", max_length=255, blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            choice_constraint(name="import_job_valid_status", field="status", choices=ImportStatus, noun="status"),
            choice_constraint(name="import_job_valid_format", field="file_format", choices=ImportFormat, noun="file format"),
        ]
        indexes = [models.Index(fields=["uploaded_by", "-created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk}: {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_IMPORT_STATUSES

    @property
    def error_count(self) -> int:
        return int((self.summary or {}).get("error", 0))

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.PREVIEWED and self.error_count == 0 and not self.failure

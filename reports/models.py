"""Settings of the PDF briefs that administrators keep in the admin."""
from django.db import models

from infrastructure.models import SingleRow, TimeStamped, history

DEFAULT_FOOTER = ("FOR OFFICIAL USE ONLY. Not for release outside the US Government without the originating "
                  "office's approval.")


class BriefSettings(TimeStamped, SingleRow):
    """One row: the text printed at the foot of every page of a brief (a handling
    caveat such as "For official use only"), set by administrators in the admin."""

    footer_text = models.CharField(
        max_length=300, default=DEFAULT_FOOTER,
        help_text="Printed at the foot of every page of the country and portfolio briefs (PDF).",
    )
    history = history()

    class Meta(SingleRow.Meta):
        verbose_name = "brief settings"
        verbose_name_plural = "brief settings"

    def __str__(self) -> str:
        return "Brief settings"

"""Abstract building blocks shared by the portal's models."""
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from ..numbers import USDecimalModelField


class RationaleCategory(models.TextChoices):
    """Why approved data changed (DESIGN.md, change history): a short list plus free text."""

    BUDGET_REALIGNMENT = "budget_realignment", "Budget realignment"
    CHANGE_IN_CONTEXT = "change_in_context", "Change in context"
    IMPLEMENTATION_DELAY = "implementation_delay", "Implementation delay"
    DATA_CORRECTION = "data_correction", "Data correction"
    SCOPE_CHANGE = "scope_change", "Change of scope"
    OTHER = "other", "Other"


class RationaleHistory(models.Model):
    """Extra columns on every historical record: the rationale category of the change and,
    when code acted without a person, the named system actor.

    The free-text part goes into simple-history's own ``history_change_reason``.
    """

    rationale_category = models.CharField(
        max_length=32, blank=True, choices=RationaleCategory.choices
    )
    # A named system actor ("import job 12", "scheduled recompute") when no person acted.
    history_actor = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def history_author(self) -> str:
        """Who made this change, for display: the user's name, else the named system actor
        (select_related("history_user") to read it without a query)."""
        if self.history_user_id:
            return self.history_user.get_username()
        return self.history_actor or "unknown"


def history(**kwargs) -> HistoricalRecords:
    """Change history for an editable model: who, when, what, and why."""
    return HistoricalRecords(bases=[RationaleHistory], inherit=False, **kwargs)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Archivable(models.Model):
    """Ordinary users archive instead of deleting; archived rows are hidden by default."""

    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Versioned(models.Model):
    """Optimistic locking: a save must name the version it read; services refuse stale ones."""

    # db_default too, so that bulk writers (COPY of generated data, a bulk importer) that
    # leave the column out start at 1 like save() does.
    version = models.PositiveIntegerField(default=1, db_default=1)

    class Meta:
        abstract = True



def money_field(**kwargs) -> models.DecimalField:
    """US dollars, to the cent."""
    kwargs.setdefault("max_digits", 16)
    kwargs.setdefault("decimal_places", 2)
    return USDecimalModelField(**kwargs)

"""Notifications (the in-portal inbox and its e-mail), each user's delivery choice per
kind, and the reporting deadline policy administrators set.

A notification is always kept in the recipient's inbox; the delivery preference decides
only the e-mail: at once, in the daily digest, or none.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.models import SingleRow, history
from programs.fiscal import DEFAULT_GRACE_DAYS


class NotificationKind(models.TextChoices):
    VALUE_RETURNED = "value_returned", "A value of mine returned for revision"
    VALUES_AWAITING_APPROVAL = "values_awaiting_approval", "Values awaiting my approval"
    REPORTING_DUE = "reporting_due", "Reporting periods due or overdue"
    PROPOSAL_DECIDED = "proposal_decided", "A decision on my program proposal"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "E-mail at once"
    DIGEST = "digest", "Daily digest e-mail"
    OFF = "off", "No e-mail (inbox only)"


# What a user gets until they choose: decisions on their own work at once, the rest daily.
DEFAULT_DELIVERY = {
    NotificationKind.VALUE_RETURNED: Delivery.IMMEDIATE,
    NotificationKind.VALUES_AWAITING_APPROVAL: Delivery.DIGEST,
    NotificationKind.REPORTING_DUE: Delivery.DIGEST,
    NotificationKind.PROPOSAL_DECIDED: Delivery.IMMEDIATE,
}


class Notification(models.Model):
    """One message to one user: what happened (title, body) and where it is dealt with (url)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField("URL", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True, help_text="When it went out by e-mail (at once or in a digest).")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            choice_constraint(name="notification_valid_kind", field="kind", choices=NotificationKind, noun="kind"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["emailed_at", "kind"], condition=Q(emailed_at__isnull=True), name="notification_unsent"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A user's e-mail delivery for one kind of notification (absent: DEFAULT_DELIVERY)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            UniqueConstraint(
                fields=["user", "kind"], name="notification_preference_one_per_kind", field="kind",
                violation_error_message="This user already has a delivery preference for this kind of notification.",
            ),
            choice_constraint(
                name="notification_preference_valid_delivery", field="delivery", choices=Delivery, noun="delivery"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class ReportingPolicy(SingleRow):
    """The reporting deadline: a period's values are due by its end plus ``grace_days``,
    overdue after (one row, edited by administrators in the admin)."""

    grace_days = models.PositiveSmallIntegerField(
        "grace period (days)", default=DEFAULT_GRACE_DAYS, validators=[MaxValueValidator(365)],
        help_text="Days after a reporting period ends before its values are overdue.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = history()

    class Meta(SingleRow.Meta):
        verbose_name = "reporting policy"
        verbose_name_plural = "reporting policy"

    def __str__(self) -> str:
        return f"Values due {self.grace_days} days after the period ends"

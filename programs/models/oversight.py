"""Vetting, donor coordination, planning cycles, reviews and crises."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.models import TimeStamped, Versioned, history, money_field
from infrastructure.numbers import USIntegerModelField
from ..fiscal import validate_recorded_date
from .planning import FISCAL_YEAR_VALIDATORS, Program
from .reference import Country, OtherDonor, PartnerInstitution, PriorityTier, Sector
from infrastructure.dates import date_text
from infrastructure.text import shortened


class VettingStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"


class Vetting(TimeStamped, Versioned):
    """Human-rights (Leahy) vetting of a partner unit a program trains or equips."""

    institution = models.ForeignKey(PartnerInstitution, on_delete=models.PROTECT, related_name="vettings")
    unit_name = models.CharField(max_length=250, blank=True, help_text="Sub-unit vetted, if narrower")
    status = models.CharField(max_length=10, choices=VettingStatus.choices, default=VettingStatus.PENDING)
    requested_on = models.DateField(validators=[validate_recorded_date])
    decided_on = models.DateField(validators=[validate_recorded_date], null=True, blank=True)
    expires_on = models.DateField(validators=[validate_recorded_date], null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="INVEST case number or similar")
    notes = models.TextField(blank=True)
    history = history()

    class Meta:
        ordering = ["institution_id", "-requested_on"]
        constraints = [
            choice_constraint(name="vetting_valid_status", field="status", choices=VettingStatus, noun="status"),
            CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("requested_on")),
                name="vetting_decided_after_requested", field="decided_on",
                violation_error_message="The decision date cannot be before the request date.",
            ),
            CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(decided_on__isnull=False, expires_on__gte=F("decided_on")),
                name="vetting_expires_after_decided", field="expires_on",
                violation_error_message="An expiry date needs a decision date, and cannot be before it.",
            ),
            CheckConstraint(
                condition=~Q(status__in=["approved", "denied"]) | Q(decided_on__isnull=False),
                name="vetting_decision_has_date", field="decided_on",
                violation_error_message="An approved or denied vetting needs its decision date.",
            ),
        ]

    def __str__(self) -> str:
        """Its unit, reference and request date (no query: page titles and history rows)."""
        parts = [self.unit_name, self.reference, f"requested {date_text(self.requested_on)}"]
        return ", ".join(part for part in parts if part)


class DonorEngagement(TimeStamped, Versioned):
    """Another donor's activity in a country and sector (division of labor, redundancy)."""

    donor = models.ForeignKey(OtherDonor, on_delete=models.PROTECT, related_name="engagements")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="donor_engagements")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="donor_engagements")
    description = models.TextField(blank=True)
    start_fy = USIntegerModelField("start fiscal year", validators=FISCAL_YEAR_VALIDATORS)
    end_fy = USIntegerModelField("end fiscal year", validators=FISCAL_YEAR_VALIDATORS)
    amount_usd = money_field(verbose_name="amount (USD)", null=True, blank=True)
    history = history()

    class Meta:
        ordering = ["country_id", "sector_id"]
        constraints = [
            CheckConstraint(
                condition=Q(end_fy__gte=F("start_fy")), name="donor_engagement_end_fy_not_before_start_fy",
                field="end_fy", violation_error_message="The end fiscal year cannot be before the start fiscal year.",
            ),
            CheckConstraint(
                condition=Q(amount_usd__isnull=True) | Q(amount_usd__gte=0),
                name="donor_engagement_amount_non_negative", field="amount_usd",
                violation_error_message="The amount cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        """Its years and the start of its description (no query: page titles and history rows)."""
        years = f"FY{self.start_fy}" if self.start_fy == self.end_fy else f"FY{self.start_fy}-FY{self.end_fy}"
        summary = " ".join(self.description.split())
        return f"{shortened(summary)} ({years})" if summary else f"Engagement {years}"


class PlanningCycle(TimeStamped):
    """The annual planning cycle of one fiscal year."""

    fiscal_year = USIntegerModelField(unique=True, validators=FISCAL_YEAR_VALIDATORS)
    is_open = models.BooleanField(default=True)
    history = history()

    class Meta:
        ordering = ["-fiscal_year"]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} planning cycle"


class CountryPriorityTier(TimeStamped, Versioned):
    """A manager's priority-tier decision for a country in a planning cycle."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="tier_decisions")
    cycle = models.ForeignKey(PlanningCycle, on_delete=models.PROTECT, related_name="tier_decisions")
    tier = models.PositiveSmallIntegerField(choices=PriorityTier.choices)
    rationale = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = history()

    class Meta:
        ordering = ["country_id", "-cycle__fiscal_year"]
        constraints = [
            UniqueConstraint(
                fields=["country", "cycle"], name="tier_one_per_country_cycle", field="country",
                violation_error_message="This country already has a tier decision in this planning cycle.",
            ),
            CheckConstraint(
                condition=Q(tier__gte=1, tier__lte=4), name="tier_decision_1_to_4", field="tier",
                violation_error_message="The tier is 1, 2, 3 or 4.",
            ),
        ]


class CrisisEvent(TimeStamped):
    """A crisis in a country; recording one puts its active programs under immediate review."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="crisis_events")
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    occurred_on = models.DateField(validators=[validate_recorded_date])
    closed_on = models.DateField(validators=[validate_recorded_date], null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = history()

    class Meta:
        ordering = ["-occurred_on"]
        constraints = [
            CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("occurred_on")),
                name="crisis_closed_after_occurred", field="closed_on",
                violation_error_message="A crisis cannot close before it occurred.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue"
    RESTRUCTURE = "restructure", "Restructure"
    TERMINATE = "terminate", "Terminate"
    INITIATE = "initiate", "Initiate"


class ProgramReview(TimeStamped):
    """A review of a program in the annual cycle or out of cycle; pending until decided."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="reviews")
    cycle = models.ForeignKey(
        PlanningCycle, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    out_of_cycle = models.BooleanField(default=False)
    crisis = models.ForeignKey(
        CrisisEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(max_length=12, choices=ReviewDecision.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = history()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            CheckConstraint(
                condition=Q(decision="") | Q(decision__in=ReviewDecision.values), name="review_valid_decision",
                field="decision", violation_error_message="Choose continue, restructure, terminate or initiate.",
            ),
            CheckConstraint(
                condition=Q(decision="") | (~Q(rationale="") & Q(decided_at__isnull=False)),
                name="review_decision_has_rationale", field="rationale",
                violation_error_message="A decided review needs its rationale and decision time.",
            ),
            CheckConstraint(
                condition=Q(out_of_cycle=True) | Q(cycle__isnull=False), name="review_in_cycle_has_cycle",
                field="cycle", violation_error_message="A review in the annual cycle names its planning cycle.",
            ),
        ]

    @property
    def is_pending(self) -> bool:
        return not self.decision

"""Strategies, objectives, programs and their funding."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from ..fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR
from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.models import Archivable, TimeStamped, Versioned, history, money_field
from infrastructure.numbers import USIntegerModelField
from .reference import (
    Agency,
    Country,
    Goal,
    ImplementingPartner,
    PartnerInstitution,
    Purpose,
    Region,
    Sector,
)
from infrastructure.text import shortened

FISCAL_YEAR_VALIDATORS = [MinValueValidator(MIN_FISCAL_YEAR), MaxValueValidator(MAX_FISCAL_YEAR)]


def _fiscal_years_ordered(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        condition=Q(end_fy__gte=F("start_fy")), name=f"{prefix}_end_fy_not_before_start_fy", field="end_fy",
        violation_error_message="The end fiscal year cannot be before the start fiscal year.",
    )


def _fiscal_years_in_range(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        condition=Q(start_fy__gte=MIN_FISCAL_YEAR, end_fy__lte=MAX_FISCAL_YEAR),
        name=f"{prefix}_fiscal_years_in_range",
        violation_error_message=f"Fiscal years must be between {MIN_FISCAL_YEAR} and {MAX_FISCAL_YEAR}.",
    )


class StrategyScope(models.TextChoices):
    COUNTRY = "country", "Country"
    REGIONAL = "regional", "Regional"


class Strategy(TimeStamped, Archivable, Versioned):
    """A multi-year country or regional strategy with measurable objectives."""

    title = models.CharField(max_length=250)
    scope = models.CharField(max_length=10, choices=StrategyScope.choices)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="strategies"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="strategies"
    )
    start_fy = USIntegerModelField("start fiscal year", validators=FISCAL_YEAR_VALIDATORS)
    end_fy = USIntegerModelField("end fiscal year", validators=FISCAL_YEAR_VALIDATORS)
    summary = models.TextField(blank=True)
    history = history()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "strategies"
        constraints = [
            _fiscal_years_ordered("strategy"),
            _fiscal_years_in_range("strategy"),
            CheckConstraint(
                condition=(Q(scope="country", country__isnull=False, region__isnull=True))
                | Q(scope="regional", country__isnull=True, region__isnull=False),
                name="strategy_scope_matches_target", field="scope",
                violation_error_message="A country strategy names a country and no region; a regional strategy "
                                        "names a region and no country.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Objective(TimeStamped, Archivable, Versioned):
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="objectives")
    code = models.CharField(max_length=20)
    description = models.TextField()
    measure = models.CharField("how progress is measured", max_length=300, blank=True)
    goals = models.ManyToManyField(Goal, related_name="objectives", blank=True)
    history = history()

    class Meta:
        ordering = ["strategy_id", "code"]
        constraints = [
            UniqueConstraint(
                fields=["strategy", "code"], name="objective_unique_code_per_strategy", field="code",
                violation_error_message="This strategy already has an objective with this code.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {shortened(self.description)}"


class ProgramStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    RESTRUCTURED = "restructured", "Restructured"
    TERMINATED = "terminated", "Terminated"
    COMPLETED = "completed", "Completed"


# Programs that are running and count in rollups and coordination checks.
RUNNING_STATUSES = (ProgramStatus.ACTIVE, ProgramStatus.UNDER_REVIEW, ProgramStatus.RESTRUCTURED)


class Program(TimeStamped, Archivable, Versioned):
    code = models.CharField(
        max_length=40, unique=True, help_text="Natural key, e.g. DOD-2026-0042; used by imports."
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_programs")
    supporting_agencies = models.ManyToManyField(
        Agency, related_name="supported_programs", blank=True
    )
    countries = models.ManyToManyField(Country, related_name="programs")
    partner_institutions = models.ManyToManyField(
        PartnerInstitution, related_name="programs", blank=True
    )
    goals = models.ManyToManyField(Goal, related_name="programs", blank=True)
    objectives = models.ManyToManyField(Objective, related_name="programs", blank=True)
    sectors = models.ManyToManyField(Sector, related_name="programs", blank=True)
    implementing_partners = models.ManyToManyField(
        ImplementingPartner, related_name="programs", blank=True
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    funding_authority = models.CharField(
        max_length=200, blank=True, help_text="Authority or account, e.g. FMF, IMET, INCLE, 10 U.S.C. 333"
    )
    start_fy = USIntegerModelField("start fiscal year", validators=FISCAL_YEAR_VALIDATORS)
    end_fy = USIntegerModelField("end fiscal year", validators=FISCAL_YEAR_VALIDATORS)
    status = models.CharField(max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.PROPOSED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    actual_start_date = models.DateField(
        null=True, blank=True, editable=False,
        help_text="The day the program first became active; kept through reviews and restructuring.",
    )
    actual_end_date = models.DateField(
        null=True, blank=True, editable=False, help_text="The day the program was completed or terminated."
    )
    is_surge = models.BooleanField(
        "surge", default=False, help_text="Short-notice response to an urgent or emergent need."
    )
    long_term_objective = models.ForeignKey(
        Objective,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surge_programs",
        help_text="For surge programs: the long-term objective the new capacity serves.",
    )
    sustainment_plan = models.TextField(blank=True)
    # Membership changes (countries, goals, ...) are history too, with field-level diffs.
    history = history(
        m2m_fields=[
            supporting_agencies,
            countries,
            partner_institutions,
            goals,
            objectives,
            sectors,
            implementing_partners,
        ]
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            _fiscal_years_ordered("program"),
            _fiscal_years_in_range("program"),
            choice_constraint(name="program_valid_status", field="status", choices=ProgramStatus, noun="status"),
            choice_constraint(name="program_valid_purpose", field="purpose", choices=Purpose, noun="purpose"),
            CheckConstraint(
                condition=Q(version__gte=1), name="program_version_positive", field="version",
                violation_error_message="The version must be a whole number from 1.",
            ),
        ]
        indexes = [models.Index(fields=["status", "archived_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


def funding_disbursed_error(obligated: Decimal | None, disbursed: Decimal | None) -> str | None:
    """The disbursement rule (the one definition; ``Funding.clean`` and the
    ``funding_disbursed_within_obligated`` constraint hold it): money can only be paid out
    once it is obligated, so a fiscal year's disbursed USD may not exceed its obligated USD.
    Returns the message naming both amounts, or None when the amounts agree (or one is missing)."""
    if obligated is None or disbursed is None or disbursed <= obligated:
        return None
    return f"Disbursed (${disbursed:,.2f}) cannot exceed obligated (${obligated:,.2f}): only obligated money can be disbursed."


class Funding(TimeStamped, Versioned):
    """Planned, obligated and disbursed US dollars of one program in one fiscal year."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="funding")
    fiscal_year = USIntegerModelField(validators=FISCAL_YEAR_VALIDATORS)
    planned = money_field(default=0, validators=[MinValueValidator(Decimal(0))])
    obligated = money_field(default=0, validators=[MinValueValidator(Decimal(0))])
    disbursed = money_field(default=0, validators=[MinValueValidator(Decimal(0))])
    history = history()

    class Meta:
        ordering = ["program_id", "fiscal_year"]
        verbose_name_plural = "funding"
        constraints = [
            UniqueConstraint(
                fields=["program", "fiscal_year"], name="funding_one_row_per_program_year", field="fiscal_year",
                violation_error_message="This program already has funding for that fiscal year.",
            ),
            CheckConstraint(
                condition=Q(planned__gte=0, obligated__gte=0, disbursed__gte=0),
                name="funding_non_negative",
                violation_error_message="Planned, obligated and disbursed amounts cannot be negative.",
            ),
            CheckConstraint(
                condition=Q(disbursed__lte=F("obligated")),
                name="funding_disbursed_within_obligated",
                field="disbursed", violation_error_message="Disbursed cannot exceed obligated.",
            ),
            CheckConstraint(
                condition=Q(fiscal_year__gte=MIN_FISCAL_YEAR, fiscal_year__lte=MAX_FISCAL_YEAR),
                name="funding_fiscal_year_in_range", field="fiscal_year",
                violation_error_message=f"The fiscal year must be between {MIN_FISCAL_YEAR} and {MAX_FISCAL_YEAR}.",
            ),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year}"

    def clean(self) -> None:
        """Raise ValidationError on ``disbursed`` when it exceeds ``obligated``."""
        super().clean()
        problem = funding_disbursed_error(self.obligated, self.disbursed)
        if problem:
            raise ValidationError({"disbursed": problem})

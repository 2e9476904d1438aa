"""Allocation scenarios: a manager's envelopes, minimums, ceilings and restrictions for
one fiscal year, and the stored result of solving them (docs/allocation.md).

Money is US dollars to the cent (``money_field``); the solver works in $M.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from programs.models import Country, PriorityTier
from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.models.bases import TimeStamped, Versioned, history, money_field
from infrastructure.numbers import USDecimalModelField, USIntegerModelField
from programs.models.planning import FISCAL_YEAR_VALIDATORS

NON_NEGATIVE = [MinValueValidator(Decimal(0))]
# Default absorptive capacity: this multiple of the country's average yearly obligations
# over the three fiscal years before the scenario's (never below its commitments).
DEFAULT_CEILING_MULTIPLE = Decimal("1.5")


def _amount_not_negative(prefix: str) -> CheckConstraint:
    return CheckConstraint(
        condition=Q(amount__gte=0), name=f"{prefix}_non_negative", field="amount",
        violation_error_message="The amount cannot be negative.",
    )


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", "Draft (not solved since its last change)"
    SOLVED = "solved", "Solved"
    INFEASIBLE = "infeasible", "Infeasible"


class Scenario(TimeStamped, Versioned):
    """One way of dividing a fiscal year's envelopes among countries."""

    fiscal_year = USIntegerModelField(validators=FISCAL_YEAR_VALIDATORS)
    name = models.CharField(max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.DRAFT)
    ceiling_multiple = USDecimalModelField(
        max_digits=6, decimal_places=2, default=DEFAULT_CEILING_MULTIPLE, validators=NON_NEGATIVE,
        help_text="Default ceiling: this multiple of the country's average yearly obligations over the "
                  "three previous fiscal years (never below its commitments).",
    )
    solved_at = models.DateTimeField(null=True, blank=True)
    objective = models.FloatField(null=True, blank=True, help_text="Weighted benefit, in weighted $M.")
    infeasibility = models.TextField(blank=True, help_text="Why the last solve found no allocation, one reason a line.")
    history = history()

    class Meta:
        ordering = ["-fiscal_year", "name", "id"]
        constraints = [
            choice_constraint(name="scenario_valid_status", field="status", choices=ScenarioStatus, noun="status"),
            CheckConstraint(
                condition=Q(ceiling_multiple__gte=0), name="scenario_ceiling_multiple_non_negative",
                field="ceiling_multiple", violation_error_message="The ceiling multiple cannot be negative.",
            ),
            UniqueConstraint(
                fields=["fiscal_year", "name"], name="scenario_unique_name_per_year", field="name",
                violation_error_message="A scenario with this name already exists for this fiscal year.",
            ),
        ]

    def __str__(self) -> str:
        return f"FY{self.fiscal_year} {self.name}"


class Envelope(models.Model):
    """The money available in one funding account (``Program.funding_authority``)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="envelopes")
    account = models.CharField(max_length=200)
    amount = money_field(validators=NON_NEGATIVE)
    # Filled by the last solve.
    allocated = money_field(null=True, blank=True)
    dual = models.FloatField(null=True, blank=True, help_text="Weighted benefit of one more $M in this envelope.")
    history = history()

    class Meta:
        ordering = ["scenario_id", "account"]
        constraints = [
            UniqueConstraint(
                fields=["scenario", "account"], name="envelope_one_per_account", field="account",
                violation_error_message="This scenario already has an envelope for this account.",
            ),
            _amount_not_negative("envelope"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount}"


class CountryMinimum(models.Model):
    """A manager's minimum total for one country, or for every country of a priority tier
    (a country's own minimum wins over its tier's)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="minimums")
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(null=True, blank=True, choices=PriorityTier.choices)
    amount = money_field(validators=NON_NEGATIVE)
    history = history()

    class Meta:
        ordering = ["scenario_id", "tier", "country_id"]
        constraints = [
            CheckConstraint(
                condition=Q(country__isnull=False, tier__isnull=True) | Q(country__isnull=True, tier__isnull=False),
                name="minimum_country_or_tier",
                violation_error_message="A minimum names either a country or a priority tier, not both.",
            ),
            UniqueConstraint(
                fields=["scenario", "country"], name="minimum_one_per_country", field="country",
                violation_error_message="This scenario already has a minimum for this country.",
            ),
            UniqueConstraint(
                fields=["scenario", "tier"], name="minimum_one_per_tier", field="tier",
                violation_error_message="This scenario already has a minimum for this tier.",
            ),
            _amount_not_negative("minimum"),
        ]


class CountryCeiling(models.Model):
    """A manager's ceiling for one country, replacing the default from obligations."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="ceilings")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    amount = money_field(validators=NON_NEGATIVE)
    history = history()

    class Meta:
        ordering = ["scenario_id", "country_id"]
        constraints = [
            UniqueConstraint(
                fields=["scenario", "country"], name="ceiling_one_per_country", field="country",
                violation_error_message="This scenario already has a ceiling for this country.",
            ),
            _amount_not_negative("ceiling"),
        ]


class AccountRestriction(models.Model):
    """A country that may receive no new money from an account (commitments still stand)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="restrictions")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(max_length=200)
    history = history()

    class Meta:
        ordering = ["scenario_id", "country_id", "account"]
        constraints = [
            UniqueConstraint(
                fields=["scenario", "country", "account"], name="restriction_unique", field="account",
                violation_error_message="This scenario already restricts this account for this country.",
            ),
        ]


class CountryOutcome(models.Model):
    """The solved total of one country, with the inputs that shaped it."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="country_outcomes")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    weight = models.FloatField(help_text="Selectivity score / 100 (0 without a score).")
    band = models.CharField(max_length=12, blank=True)
    eligible = models.BooleanField(help_text="May receive new money in some account.")
    ineligible_reason = models.CharField(max_length=200, blank=True)
    minimum = money_field()
    ceiling = money_field()
    total = money_field()
    current_plan = money_field()
    benefit = models.FloatField()
    ceiling_binds = models.BooleanField(default=False)
    minimum_binds = models.BooleanField(default=False)
    ceiling_dual = models.FloatField(default=0, help_text="Weighted benefit of one more $M of ceiling.")

    class Meta:
        ordering = ["scenario_id", "-total", "country_id"]
        constraints = [
            UniqueConstraint(
                fields=["scenario", "country"], name="country_outcome_unique", field="country",
                violation_error_message="This scenario's result already has this country.",
            ),
        ]

    @property
    def change(self):
        """Allocation minus the current plan (US dollars)."""
        return self.total - self.current_plan


class AllocationLine(models.Model):
    """The solved amount of one country in one account, and what binds it."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="lines")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    account = models.CharField(max_length=200)
    amount = money_field()
    commitment = money_field()
    current_plan = money_field()
    eligible = models.BooleanField()
    binding = models.CharField(max_length=100, blank=True, help_text="What holds the amount: comma-separated.")

    class Meta:
        ordering = ["scenario_id", "country_id", "account"]
        constraints = [
            UniqueConstraint(
                fields=["scenario", "country", "account"], name="allocation_line_unique", field="account",
                violation_error_message="This scenario's result already has a line for this country and account.",
            ),
        ]

    @property
    def change(self):
        """Allocation minus the current plan (US dollars)."""
        return self.amount - self.current_plan

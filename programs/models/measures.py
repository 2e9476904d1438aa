"""Measures of effectiveness (MOEs), their targets and measurements."""
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.utils import timezone

from infrastructure.dates import date_text

from ..fiscal import Period, recorded_date_problem, validate_recorded_date
from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.models import Archivable, TimeStamped, Versioned, history
from infrastructure.numbers import USDecimalModelField
from .planning import Program


def _value_field(**kwargs) -> models.DecimalField:
    return USDecimalModelField(max_digits=18, decimal_places=4, **kwargs)


# The smallest weight an MOE may have (zero would drop it from the achievement).
MOE_WEIGHT_MIN = Decimal("0.001")

class MoeKind(models.TextChoices):
    OUTCOME = "outcome", "Outcome (measure of effectiveness)"
    OUTPUT = "output", "Output (measure of performance)"


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase is better"
    DECREASE = "decrease", "Decrease is better"


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly"
    SEMI_ANNUAL = "semi_annual", "Semi-annual"
    ANNUAL = "annual", "Annual"
    LIFE_OF_PROGRAM = "life_of_program", "Life of program"


# The period kind (fiscal.Period.kind) each frequency reports and targets in. A
# life-of-program MOE has one period: the whole last fiscal year of its program.
PERIOD_KIND_OF_FREQUENCY = {
    Frequency.QUARTERLY: "Q",
    Frequency.SEMI_ANNUAL: "H",
    Frequency.ANNUAL: "Y",
    Frequency.LIFE_OF_PROGRAM: "Y",
}


def moe_periods_allowed(moe: "MeasureOfEffectiveness", fiscal_year: int) -> list[Period]:
    """The periods of ``fiscal_year`` that ``moe`` takes values and targets for, by its
    frequency (a life-of-program MOE: its program's last fiscal year only). Issues no
    query when ``moe.program`` is loaded (only life-of-program MOEs read it)."""
    kind = PERIOD_KIND_OF_FREQUENCY.get(moe.frequency, "Q")
    if moe.frequency == Frequency.LIFE_OF_PROGRAM:
        return [Period(moe.program.end_fy)]
    if kind == "Q":
        return [Period(fiscal_year, "Q", n) for n in (1, 2, 3, 4)]
    if kind == "H":
        return [Period(fiscal_year, "H", n) for n in (1, 2)]
    return [Period(fiscal_year)]


def moe_period_error(moe: "MeasureOfEffectiveness", period: Period) -> str | None:
    """Why ``period`` is not one of ``moe``'s own periods, naming the allowed ones; None if
    it is. The one definition of the rule "periods follow the MOE's frequency", used by
    model validation (admin), services (pages, API) and the importer (no query)."""
    allowed = moe_periods_allowed(moe, period.fiscal_year)
    if period in allowed:
        return None
    label = Frequency(moe.frequency).label.lower() if moe.frequency in Frequency.values else moe.frequency
    if moe.frequency == Frequency.LIFE_OF_PROGRAM:
        return (
            f"This MOE is {label}: use {allowed[0].code} (the program's last fiscal year), not {period.code}."
        )
    codes = [p.code for p in allowed]
    listed = codes[0] if len(codes) == 1 else " or ".join(codes) if len(codes) == 2 else f"{codes[0]} ... {codes[-1]}"
    return f"This MOE is {label}: use {listed}, not {period.code}."


# Units that make an MOE a percentage (IATI's measure "2" too: programs.iati).
PERCENT_UNITS = ("%", "percent", "percentage", "per cent")
PERCENT_MAX = Decimal(100)


def unit_is_percent(unit: str) -> bool:
    """Whether an MOE's ``unit`` is a percentage ("percent", "%", any case)."""
    return (unit or "").strip().lower() in PERCENT_UNITS


def moe_value_problem(value: Decimal, *, unit: str, allows_negative: bool) -> str | None:
    """Why ``value`` cannot be a value, target or baseline of an MOE of this ``unit``, or
    None. The one definition of the rule, used by model validation (admin, services for
    pages and API, the importer's ``full_clean``):

    - below zero only when the MOE allows negative values;
    - a percentage is a share, 0 to 100. A percent MOE that allows negative values
      measures a change in percent (-15 %, +140 %): its definition says otherwise, and
      only the sign rule is lifted, so it has no upper bound.
    """
    number = f"{Decimal(value).normalize():f}"
    if value < 0 and not allows_negative:
        return f"Enter zero or more: {number} is negative, and this measure ({unit}) does not allow negative values."
    if value > PERCENT_MAX and unit_is_percent(unit) and not allows_negative:
        return f"Enter a percentage from 0 to 100: {number} is more than 100."
    return None


# What str.strip() removes (every character str.isspace() calls white space, as of
# Python 3.11; tests/programs/test_moe_value_rule.py checks it), for the SQL face of
# unit_is_percent.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def moe_value_broken_q(*, value: str = "value", moe: str = "moe__") -> Q:
    """The set-based face of ``moe_value_problem``: a filter matching the rows whose
    ``value`` (a field path) breaks the rule of their MOE (reached by the path prefix
    ``moe``; "" for the MOE itself, e.g. ``value="baseline_value", moe=""``). Portable SQL
    (PostgreSQL and SQLite: lower, ltrim/rtrim with the characters ``str.strip`` removes).
    Held equal to the pure rule by tests/programs/test_moe_value_rule.py."""
    unit = Func(Func(Lower(F(f"{moe}unit")), Value(WHITESPACE), function="RTRIM"), Value(WHITESPACE),
                function="LTRIM", output_field=models.CharField())
    strict = Q(**{f"{moe}allows_negative": False})
    return strict & (
        Q(**{f"{value}__lt": 0})
        | Q(**{f"{value}__gt": PERCENT_MAX}) & Q(In(unit, list(PERCENT_UNITS)))
    )


def measured_period_problem(period: Period, *, today: dt.date) -> str | None:
    """Why no measured value can be recorded for ``period`` yet, or None once it has started
    (on its first day: FY2027-Q1 starts October 1, 2026). The one definition of the rule
    "a value is measured, so its period has begun", used by model validation (services for
    pages and API, the importer's ``full_clean``), the grid (read-only cells) and the
    approvals queue's period list. Targets are plans: they are not held to it."""
    if period.start <= today:
        return None
    return (f"{period.code} has not started yet: its values can be entered from {date_text(period.start)} "
            "(targets for it can be set now).")


def measured_date_problem(
    day: dt.date | None, *, label: str, today: dt.date, period: Period | None = None,
) -> str | None:
    """Why ``day`` cannot be the date something was measured (a value's collection date, an
    MOE's baseline date): it is after ``today``, or before ``period`` began (a value of
    FY2026-Q1 is collected during that quarter or after it); None otherwise. ``label``
    names the field in the message ("Collection date"). Dates outside the portal's fiscal
    years are the field validator's to refuse (``programs.fiscal.recorded_date_problem``)."""
    if day is None:
        return None
    if day > today:
        return f"{label} {date_text(day)} is in the future: enter today ({date_text(today)}) or an earlier day."
    if period is not None and day < period.start and recorded_date_problem(day) is None:
        return (f"{label} {date_text(day)} is before {period.code} began ({date_text(period.start)}): "
                "a value is collected during its period or after it.")
    return None


class PeriodMixin(models.Model):
    """A reporting period code (``FY2027-Q1``) and its end date, kept in step on clean()."""

    period = models.CharField(max_length=10, help_text="FY2027, FY2027-H1 or FY2027-Q1")
    period_end = models.DateField(editable=False)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        try:
            parsed = Period.parse(self.period or "")
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        self.period = parsed.code
        self.period_end = parsed.end
        moe = self._state.fields_cache.get("moe")  # only when loaded: clean() issues no query
        if moe is not None:
            error = moe_period_error(moe, parsed)
            if error:
                raise ValidationError({"period": error})

    def save(self, *args, **kwargs) -> None:
        # Keep period_end derived from the code even for writes that skip clean().
        parsed = Period.parse(self.period)
        self.period, self.period_end = parsed.code, parsed.end
        super().save(*args, **kwargs)


class MeasureOfEffectiveness(TimeStamped, Archivable, Versioned):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="moes")
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=8, choices=MoeKind.choices, default=MoeKind.OUTCOME)
    unit = models.CharField(max_length=60, help_text="e.g. percent, officers trained, incidents")
    allows_negative = models.BooleanField(
        default=False, help_text="Whether values below zero are meaningful for this unit."
    )
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.INCREASE)
    is_cumulative = models.BooleanField(
        "cumulative", default=False, help_text="Actual is the running total of approved values."
    )
    frequency = models.CharField(max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY)
    baseline_value = _value_field()
    baseline_date = models.DateField(validators=[validate_recorded_date])
    weight = USDecimalModelField(
        max_digits=6, decimal_places=3, default=1, validators=[MinValueValidator(MOE_WEIGHT_MIN)]
    )
    means_of_verification = models.TextField(blank=True)
    history = history()

    class Meta:
        ordering = ["program_id", "id"]
        verbose_name = "measure of effectiveness"
        verbose_name_plural = "measures of effectiveness"
        constraints = [
            CheckConstraint(
                condition=Q(weight__gt=0), name="moe_weight_positive", field="weight",
                violation_error_message="The weight must be greater than 0.",
            ),
            choice_constraint(name="moe_valid_kind", field="kind", choices=MoeKind, noun="kind"),
            choice_constraint(name="moe_valid_direction", field="direction", choices=Direction, noun="direction"),
            choice_constraint(name="moe_valid_frequency", field="frequency", choices=Frequency, noun="frequency"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.baseline_value is not None:
            problem = moe_value_problem(self.baseline_value, unit=self.unit, allows_negative=self.allows_negative)
            if problem:
                errors["baseline_value"] = problem
        problem = measured_date_problem(self.baseline_date, label="Baseline date", today=timezone.localdate())
        if problem:
            errors["baseline_date"] = problem
        if errors:
            raise ValidationError(errors)


class Target(TimeStamped, Versioned, PeriodMixin):
    moe = models.ForeignKey(MeasureOfEffectiveness, on_delete=models.CASCADE, related_name="targets", verbose_name="MOE")
    value = _value_field()
    history = history()

    class Meta:
        ordering = ["moe_id", "period_end"]
        constraints = [
            UniqueConstraint(
                fields=["moe", "period"], name="target_one_per_moe_period", field="period",
                violation_error_message="This MOE already has a target for this period.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.value}"

    def clean(self) -> None:
        super().clean()
        moe = self._state.fields_cache.get("moe")  # only when loaded: clean() issues no query
        if moe is not None and self.value is not None:
            problem = moe_value_problem(self.value, unit=moe.unit, allows_negative=moe.allows_negative)
            if problem:
                raise ValidationError({"value": problem})


class DisaggregationCategory(TimeStamped):
    """A category an MOE is broken down by, e.g. dimension "sex", category "female"."""

    moe = models.ForeignKey(
        MeasureOfEffectiveness, on_delete=models.CASCADE, related_name="disaggregation_categories", verbose_name="MOE"
    )
    dimension = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    history = history()

    class Meta:
        ordering = ["moe_id", "dimension", "name"]
        verbose_name_plural = "disaggregation categories"
        constraints = [
            UniqueConstraint(
                fields=["moe", "dimension", "name"], name="disaggregation_category_unique", field="name",
                violation_error_message="This MOE already has a category with this name in this dimension.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.name}"


class MeasurementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for revision"


class Measurement(TimeStamped, Versioned, PeriodMixin):
    """The actual value of an MOE for one period; one per MOE and period (update, don't duplicate)."""

    moe = models.ForeignKey(MeasureOfEffectiveness, on_delete=models.CASCADE, related_name="measurements", verbose_name="MOE")
    value = _value_field()
    source = models.CharField(max_length=250, blank=True)
    evidence_url = models.URLField("evidence URL", blank=True)
    collected_on = models.DateField(validators=[validate_recorded_date], null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=MeasurementStatus.choices, default=MeasurementStatus.DRAFT)
    breakdown_partial = models.BooleanField(
        "partial breakdown",
        default=False,
        db_default=False,  # rows inserted in bulk with explicit columns (demo, importer) stay valid
        help_text="The categories of a dimension cover only part of the value (they sum to at most it).",
    )
    return_reason = models.TextField(blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = history()

    class Meta:
        ordering = ["moe_id", "period_end"]
        constraints = [
            UniqueConstraint(
                fields=["moe", "period"], name="measurement_one_per_moe_period", field="period",
                violation_error_message="This MOE already has a measurement for this period.",
            ),
            choice_constraint(name="measurement_valid_status", field="status", choices=MeasurementStatus, noun="status"),
            CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="measurement_returned_has_reason", field="return_reason",
                violation_error_message="Say why the measurement is returned.",
            ),
        ]
        indexes = [models.Index(fields=["moe", "status", "period_end"])]

    def __str__(self) -> str:
        return f"{self.period}: {self.value}"

    def clean(self) -> None:
        """The value within the MOE's range; the period started and the collection date
        neither in the future nor before the period (``measured_period_problem``,
        ``measured_date_problem``). A returned
        value is exempt from the period rule: a manager can return one recorded before the
        rule for a period not started, so that its analyst can clear it."""
        super().clean()
        errors = {}
        moe = getattr(self, "moe", None)
        if moe is not None and self.value is not None:
            problem = moe_value_problem(self.value, unit=moe.unit, allows_negative=moe.allows_negative)
            if problem:
                errors["value"] = problem
        today, period = timezone.localdate(), Period.parse(self.period)
        if self.status != MeasurementStatus.RETURNED:
            problem = measured_period_problem(period, today=today)
            if problem:
                errors["period"] = problem
        problem = measured_date_problem(self.collected_on, label="Collection date", today=today, period=period)
        if problem:
            errors["collected_on"] = problem
        if errors:
            raise ValidationError(errors)


class MeasurementDisaggregation(TimeStamped):
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="breakdown")
    category = models.ForeignKey(DisaggregationCategory, on_delete=models.CASCADE, related_name="values")
    value = _value_field()
    history = history()

    class Meta:
        constraints = [
            UniqueConstraint(
                fields=["measurement", "category"], name="measurement_disaggregation_unique", field="category",
                violation_error_message="This measurement already has a value for this category.",
            ),
        ]

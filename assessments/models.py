"""Models of the assessments app: the versioned framework, country assessments, scores.

DESIGN.md sections 2 (Assessments) and 3 (Selectivity score).
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programs.fiscal import validate_recorded_date
from programs.models import Country
from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.models import TimeStamped, Versioned, history
from infrastructure.numbers import USDecimalModelField
from infrastructure.dates import date_text

SCORE_MIN, SCORE_MAX = 1, 5


def _weight_field(**kwargs) -> models.DecimalField:
    return USDecimalModelField(
        max_digits=5, decimal_places=3, validators=[MinValueValidator(Decimal(0))], **kwargs
    )


class AssessmentFramework(TimeStamped):
    """A versioned set of weighted criteria plus the selectivity weights (P / C / E).

    Versions are never edited once scores exist: a new version is a new row, and the
    old one is retired (``retired_on``), so every stored score stays explainable.
    The current framework is the highest version that is not retired.
    """

    version = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    weight_priority = _weight_field(default=0.4)
    weight_conditions = _weight_field(default=0.4)
    weight_effectiveness = _weight_field(default=0.2)
    published_on = models.DateField(validators=[validate_recorded_date])
    retired_on = models.DateField(validators=[validate_recorded_date], null=True, blank=True)
    history = history()

    class Meta:
        ordering = ["-version"]
        constraints = [
            CheckConstraint(
                condition=Q(weight_priority__gte=0, weight_conditions__gte=0, weight_effectiveness__gte=0),
                name="framework_weights_non_negative",
                violation_error_message="The weights of priority, conditions and effectiveness cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None


class Criterion(models.Model):
    """One condition for sustainable capacity, weighted within its framework version."""

    framework = models.ForeignKey(AssessmentFramework, on_delete=models.PROTECT, related_name="criteria")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    weight = _weight_field(default=1)
    is_human_rights = models.BooleanField(
        default=False, help_text="A score of 2 or less on this criterion flags a human-rights concern."
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["framework_id", "sort_order", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            UniqueConstraint(
                fields=["framework", "code"], name="criterion_unique_code_per_framework", field="code",
                violation_error_message="This framework already has a criterion with this code.",
            ),
            CheckConstraint(
                condition=Q(weight__gt=0), name="criterion_weight_positive", field="weight",
                violation_error_message="The weight must be greater than 0.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for revision"


class CountryAssessment(TimeStamped, Versioned):
    """A dated assessment of one country under one framework version."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="assessments")
    framework = models.ForeignKey(AssessmentFramework, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(validators=[validate_recorded_date], help_text="The date the conditions were assessed.")
    summary = models.TextField(blank=True)
    evidence_links = models.TextField(blank=True, help_text="One link (URL) per line.")
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Whoever last changed the content (scores, justifications, summary, links, date): may
    # not approve it (four eyes, programs.services.rules.ensure_four_eyes).
    content_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Who last changed the content; they may not approve it.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    history = history()

    class Meta:
        ordering = ["country_id", "-assessed_on", "-id"]
        constraints = [
            choice_constraint(name="assessment_valid_status", field="status", choices=AssessmentStatus, noun="status"),
            CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="assessment_returned_has_reason",
                field="return_reason", violation_error_message="Say why the assessment is returned.",
            ),
            CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="assessment_approved_has_approver",
                violation_error_message="An approved assessment names who approved it and when.",
            ),
        ]
        indexes = [models.Index(fields=["country", "status", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.country} {date_text(self.assessed_on)} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)

    @property
    def evidence_link_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]


class CriterionScore(models.Model):
    """A 1-5 score of one criterion in one assessment, with its required justification."""

    assessment = models.ForeignKey(CountryAssessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    justification = models.TextField()
    evidence_url = models.URLField("evidence URL", blank=True)
    history = history()

    class Meta:
        ordering = ["assessment_id", "criterion__sort_order", "criterion_id"]
        constraints = [
            UniqueConstraint(
                fields=["assessment", "criterion"], name="criterion_score_one_per_criterion", field="criterion",
                violation_error_message="This assessment already has a score for this criterion.",
            ),
            CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="criterion_score_1_to_5", field="score",
                violation_error_message="The score is a whole number from 1 to 5.",
            ),
            CheckConstraint(
                condition=~Q(justification=""), name="criterion_score_has_justification", field="justification",
                violation_error_message="Justify the score.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"

    def clean(self) -> None:
        super().clean()
        if not (self.justification or "").strip():
            raise ValidationError({"justification": "A justification is required for every criterion."})

    @property
    def points(self) -> float:
        """The score on the 0-100 scale: (score - 1) / 4 * 100."""
        return (self.score - 1) * 25


class Band(models.TextChoices):
    INVEST = "invest", "Invest"
    SUSTAIN = "sustain", "Sustain"
    REVIEW = "review", "Review"
    DEPRIORITISE = "deprioritise", "Deprioritize"  # the stored value keeps its first spelling
    NO_DATA = "no_data", "No data"


def band_label(code: str) -> str:
    """The one label people read for a stored band code (pages, exports, briefs):
    ``"deprioritise"`` -> ``"Deprioritize"``; a country without a score ("" or the
    review queue's "no score") -> ``"No score"``."""
    return Band(code).label if code in Band.values else "No score"


class CapCondition(models.TextChoices):
    """Flags a framework version may turn into a band cap (the codes are stored on scores)."""

    HUMAN_RIGHTS = "human_rights", "Governance / human-rights criterion at 2 or below"
    OPEN_CRISIS = "open_crisis", "Open crisis event"
    STALE_ASSESSMENT = "stale_assessment", "Assessment older than 18 months"


CAPPABLE_BANDS = [(b.value, b.label) for b in (Band.SUSTAIN, Band.REVIEW, Band.DEPRIORITISE)]


class BandCap(models.Model):
    """A rule of one framework version: while ``condition`` holds, the band is at most ``max_band``.

    Part of the versioned framework: frozen once the version is in use (admin), so a score
    stays explainable by the caps of the version it was computed under.
    """

    framework = models.ForeignKey(AssessmentFramework, on_delete=models.PROTECT, related_name="band_caps")
    condition = models.CharField(max_length=20, choices=CapCondition.choices)
    max_band = models.CharField(max_length=12, choices=CAPPABLE_BANDS, help_text="The highest band allowed.")
    reason = models.CharField(max_length=200, help_text="Shown in the score's explanation.")
    history = history()

    class Meta:
        ordering = ["framework_id", "condition"]
        constraints = [
            UniqueConstraint(
                fields=["framework", "condition"], name="band_cap_one_per_condition", field="condition",
                violation_error_message="This framework already has a band cap for this condition.",
            ),
            choice_constraint(name="band_cap_valid_condition", field="condition", choices=CapCondition, noun="condition"),
            CheckConstraint(
                condition=Q(max_band__in=[value for value, _ in CAPPABLE_BANDS]), name="band_cap_valid_max_band",
                field="max_band",
                violation_error_message="Choose a highest band among: " + ", ".join(label for _, label in CAPPABLE_BANDS) + ".",
            ),
            CheckConstraint(
                condition=~Q(reason=""), name="band_cap_has_reason", field="reason",
                violation_error_message="Give the reason shown in the score's explanation.",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.framework_id}: {self.get_condition_display()} -> at most {self.get_max_band_display()}"


def _component_field() -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)


class SelectivityScore(models.Model):
    """One computation of one country's selectivity score, with everything that made it.

    ``low`` and ``high`` are the range the missing components could give (each at 0 and
    at 100, with the framework weights not renormalised); equal to ``score`` when
    complete. ``band_uncapped`` is the band of the score; ``band`` the band after the
    framework version's caps (``caps_applied``: the conditions that held).

    History: the recompute appends a row only when something that defines the score
    (framework, weights, tier, assessment, a component, the score, band or a flag)
    differs from the country's latest row; so the rows form the country's trend and a
    run that changes nothing adds nothing. Input dates are recorded but are not, alone,
    a change. The latest row (highest id) per country is the current score.
    """

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="selectivity_scores")
    computed_at = models.DateTimeField()
    as_of = models.DateField(help_text="The date staleness was judged against.")
    framework = models.ForeignKey(AssessmentFramework, on_delete=models.PROTECT, related_name="+")
    weight_priority = _weight_field()
    weight_conditions = _weight_field()
    weight_effectiveness = _weight_field()
    priority_tier = models.PositiveSmallIntegerField(null=True, blank=True)
    tier_decided_at = models.DateTimeField(null=True, blank=True)
    priority_component = _component_field()
    assessment = models.ForeignKey(
        CountryAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessment_date = models.DateField(null=True, blank=True)
    conditions_component = _component_field()
    rollup_computed_at = models.DateTimeField(null=True, blank=True)
    effectiveness_component = _component_field()
    score = _component_field()
    low = _component_field()
    high = _component_field()
    band_uncapped = models.CharField(max_length=12, choices=Band.choices)
    band = models.CharField(max_length=12, choices=Band.choices, help_text="After the framework's band caps.")
    caps_applied = models.CharField(
        max_length=100, blank=True, help_text="Codes of the caps whose condition held, comma-separated."
    )
    flag_incomplete = models.BooleanField(default=False)
    flag_stale_assessment = models.BooleanField(default=False)
    flag_human_rights = models.BooleanField(default=False)
    flag_open_crisis = models.BooleanField(default=False)

    class Meta:
        ordering = ["country_id", "-id"]
        indexes = [models.Index(fields=["country", "-id"])]
        constraints = [
            choice_constraint(name="selectivity_valid_band", field="band", choices=Band, noun="selectivity band"),
            choice_constraint(
                name="selectivity_valid_band_uncapped", field="band_uncapped", choices=Band, noun="selectivity band"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}: {self.score} ({self.band})"

    @property
    def flags(self) -> list[str]:
        labels = []
        if self.flag_incomplete:
            labels.append("incomplete")
        if self.flag_stale_assessment:
            labels.append("stale assessment")
        if self.flag_human_rights:
            labels.append("human-rights concern")
        if self.flag_open_crisis:
            labels.append("open crisis")
        return labels

    @property
    def caps_applied_codes(self) -> list[str]:
        return [code for code in self.caps_applied.split(",") if code]

    @property
    def is_capped(self) -> bool:
        """True when a cap lowered the band (not merely held)."""
        return self.band != self.band_uncapped

"""Models of the evaluations app: computed rollups (summary tables), evaluations with
their recommendations, and acknowledgements of coordination findings.

The rollup tables are written only by ``evaluations.services.rollups`` (through the set-based
SQL of ``evaluations.computations.rollups_sql``); every row says when it was computed so
pages can show how fresh a figure is.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from programs.fiscal import validate_recorded_date
from programs.models import Country, Goal, MeasureOfEffectiveness, Program, Region
from infrastructure.constraints import CheckConstraint, UniqueConstraint, choice_constraint
from infrastructure.dates import date_text
from infrastructure.models import IntegerArrayField, Versioned, history
from infrastructure.text import shortened


class RollupStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    OFF_TRACK = "off_track", "Off track"
    NO_DATA = "no_data", "No data"


class NoDataReason(models.TextChoices):
    """Why a period of an MOE has no achievement (an explicit "no data", never a guess)."""

    NONE = "", "—"
    NO_TARGET = "no_target", "No target for this period"
    NO_MEASUREMENT = "no_measurement", "No approved measurement"
    OUTSIDE_PROGRAM_YEARS = "outside_program_years", "Period outside the program's years"


class RollupBase(models.Model):
    """Fields every rollup row shares: a capped achievement 0..1 (null = no data)."""

    achievement = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RollupStatus.choices, default=RollupStatus.NO_DATA)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True

    @property
    def achievement_percent(self) -> float | None:
        return None if self.achievement is None else round(self.achievement * 100, 1)


class MoeAchievement(models.Model):
    """Achievement of one MOE in one period (a target period or a measured period).

    ``achievement`` is stored raw (may exceed 1 or fall below 0); rollups cap it to
    [0, 1]. ``is_latest`` marks the latest period with an achievement, whose status is
    the MOE's status.
    """

    # The primary key is (MOE, period), one row per MOE and period; no surrogate id: one
    # index fewer to build and 8 bytes a row fewer in every full recompute's rebuild (and
    # nothing references these rows). No single-column indexes: the primary key and the
    # (program, is_latest) index cover these lookups, and every index slows the rebuild.
    pk = models.CompositePrimaryKey("moe", "period")
    moe = models.ForeignKey(
        MeasureOfEffectiveness, on_delete=models.CASCADE, related_name="achievements", db_index=False, verbose_name="MOE"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="moe_achievements", db_index=False)
    period = models.CharField(max_length=10)
    period_end = models.DateField()
    target = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    measured = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    actual = models.DecimalField(
        max_digits=24, decimal_places=4, null=True, blank=True,
        help_text="The measured value, or for a cumulative MOE the running total of approved values.",
    )
    achievement = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RollupStatus.choices, default=RollupStatus.NO_DATA)
    no_data_reason = models.CharField(max_length=24, choices=NoDataReason.choices, blank=True)
    is_latest = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "MOE achievement"
        ordering = ["moe_id", "period_end", "period"]
        indexes = [
            models.Index(fields=["program", "is_latest"]),
        ]

    def __str__(self) -> str:
        return f"{self.moe_id} {self.period}: {self.achievement}"


class ProgramRollup(RollupBase):
    """A program's achievement: MOE-weight-weighted mean of its MOEs' capped latest achievements.

    ``funding_weight`` is the obligated USD over the rollup funding window (the weight of
    the program in country, region and goal rollups). ``country_ids``, ``region_ids`` and
    ``goal_ids`` remember the groups the program was last counted in, and ``counted``
    whether it counted at all (running, not archived), so an incremental recompute can
    take its old contribution out of those groups' kept sums (:class:`GroupSums`).
    """

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="rollup")
    moe_count = models.PositiveIntegerField("MOEs", default=0)
    moes_with_data = models.PositiveIntegerField("MOEs with data", default=0)
    funding_weight = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    country_ids = models.JSONField(default=list)
    region_ids = models.JSONField(default=list)
    goal_ids = models.JSONField(default=list)
    counted = models.BooleanField(
        null=True, help_text="Running and not archived when last computed; null: computed before kept sums existed."
    )

    class Meta:
        # Finds, without a scan, rows an incremental recompute cannot shift from (see
        # evaluations.services.rollups): empty after the first full recompute.
        indexes = [models.Index(fields=["counted"], condition=models.Q(counted__isnull=True),
                                name="programrollup_sums_pending")]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.achievement}"


class GroupSums(models.Model):
    """Kept sums over a group's running programs, from which its achievement is derived
    (``evaluations.computations.rollups_sql.group_achievement_sql``), so that a one-program
    change shifts them by that program's old and new contribution instead of re-reading
    every member: ``program_count`` and ``programs_with_data`` (programs), and over the
    programs with data, ``weight_sum`` (obligated USD), ``weighted_sum`` (USD x
    achievement) and ``achievement_sum`` (achievements, for the plain mean when no
    program has funding)."""

    program_count = models.PositiveIntegerField(default=0)
    programs_with_data = models.PositiveIntegerField(default=0)
    weight_sum = models.DecimalField(max_digits=24, decimal_places=2, default=0)
    weighted_sum = models.FloatField(default=0)
    achievement_sum = models.FloatField(default=0)

    class Meta:
        abstract = True


class CountryRollup(GroupSums):
    """MOE achievement of a country: the funding-weighted mean of its running programs.

    ``achievement`` is a fraction 0..1 (capped), null when no program has data.
    """

    country = models.OneToOneField(Country, on_delete=models.CASCADE, related_name="rollup")
    achievement = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RollupStatus.choices, default=RollupStatus.NO_DATA)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.country_id}: {self.achievement}"


class RegionRollup(RollupBase, GroupSums):
    """A region (either scheme): the same weighted mean over the distinct running programs
    with at least one country in the region."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="rollup")

    def __str__(self) -> str:
        return f"{self.region_id}: {self.achievement}"


class GoalRollup(RollupBase, GroupSums):
    """A goal: the same weighted mean over the distinct running programs serving it; a
    program serving a sub-goal ("1.a") also counts, once, for its parent goal ("1")."""

    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="rollup")

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.achievement}"


# --- Evaluations -----------------------------------------------------------------------


class EvaluationType(models.TextChoices):
    PERFORMANCE = "performance", "Performance"
    PROCESS = "process", "Process"
    IMPACT = "impact", "Impact"


class EvaluationRating(models.TextChoices):
    HIGHLY_SATISFACTORY = "highly_satisfactory", "Highly satisfactory"
    SATISFACTORY = "satisfactory", "Satisfactory"
    PARTLY_SATISFACTORY = "partly_satisfactory", "Partly satisfactory"
    UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"


class Evaluation(Versioned):
    """An evaluation of a program (performance, process or impact)."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="evaluations")
    evaluation_type = models.CharField(max_length=12, choices=EvaluationType.choices)
    title = models.CharField(max_length=250)
    evaluator = models.CharField(max_length=250, help_text="Organization or team that evaluated")
    is_independent = models.BooleanField(default=True)
    started_on = models.DateField(validators=[validate_recorded_date])
    completed_on = models.DateField(validators=[validate_recorded_date], null=True, blank=True)
    rating = models.CharField(max_length=20, choices=EvaluationRating.choices, blank=True)
    findings = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = history()

    def clean(self) -> None:
        """The completion date is not before the start (the database constraint below says
        the same; this names the field, where the constraint's own message would not)."""
        super().clean()
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            raise ValidationError({"completed_on": "The completion date cannot be before the start date "
                                                   f"({date_text(self.started_on)})."})

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                name="evaluation_completed_after_started", field="completed_on",
                violation_error_message="The completion date cannot be before the start date.",
            ),
            choice_constraint(name="evaluation_valid_type", field="evaluation_type", choices=EvaluationType, noun="type"),
        ]

    def __str__(self) -> str:
        return self.title


class EvaluationDocument(models.Model):
    """A document of an evaluation, kept as a link (the portal stores no files)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=250)
    url = models.URLField("URL")
    history = history()

    class Meta:
        ordering = ["evaluation_id", "id"]

    def __str__(self) -> str:
        return self.title


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    IMPLEMENTED = "implemented", "Implemented"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


CLOSED_FOLLOW_UP = (FollowUpStatus.IMPLEMENTED, FollowUpStatus.NOT_ACCEPTED)


class Recommendation(Versioned):
    """A recommendation of an evaluation, with an owner, a due date and its follow-up."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField()
    owner = models.CharField(max_length=200, help_text="Office or person responsible")
    due_on = models.DateField(validators=[validate_recorded_date])
    follow_up_status = models.CharField(max_length=14, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    follow_up_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = history()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            choice_constraint(
                name="recommendation_valid_status", field="follow_up_status", choices=FollowUpStatus,
                noun="follow-up status",
            ),
        ]

    def __str__(self) -> str:
        return shortened(self.text)

    @property
    def is_closed(self) -> bool:
        return self.follow_up_status in CLOSED_FOLLOW_UP

    @property
    def is_overdue(self) -> bool:
        """Open and past its due date today (the rule of ``selectors.overdue_recommendations``)."""
        return not self.is_closed and self.due_on is not None and self.due_on < timezone.localdate()


# --- Coordination findings -------------------------------------------------------------


class FindingAcknowledgement(models.Model):
    """A reviewer's note that a coordination finding is known. The fingerprint hashes the
    finding's data, so a change in the data produces a new fingerprint and the finding
    shows again."""

    check_name = models.CharField(max_length=40)
    fingerprint = models.CharField(max_length=64)
    note = models.TextField()
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    history = history()

    class Meta:
        verbose_name = "finding acknowledgment"
        ordering = ["-acknowledged_at"]
        constraints = [
            UniqueConstraint(
                fields=["check_name", "fingerprint"], name="finding_ack_unique", field="fingerprint",
                violation_error_message="This finding is already acknowledged.",
            ),
        ]


class CoordinationFinding(models.Model):
    """A finding of a coordination rule (``evaluations.selectors.coordination_rules``) as
    stored by the last build (derived; written only by
    ``evaluations.services.coordination_findings``, rebuilt when the rules' inputs change:
    whole, or only the countries a program edit can reach). ``finding`` numbers the finding in its
    rule's order (increasing, not dense: see ``coordination_rules.BLOCKED_BY_COUNTRY``);
    ``data`` the rule's columns. A finding is stored once per country it is scoped by (a
    surge or vetting finding per country of its program, ``country_id`` NULL for a program with
    none), so a scope's findings are an indexed read; count them by distinct ``finding``.
    ``program_ids``: the programs the finding names (an overlap's programs, another rule's
    one program, none for a gap), by which a rebuild finds the findings of changed programs."""

    rule = models.CharField(max_length=20)
    finding = models.IntegerField()
    country_id = models.IntegerField("country", null=True)  # no foreign key: a derived row, rebuilt with its inputs
    data = models.JSONField()
    program_ids = IntegerArrayField("programs", default=list)

    class Meta:
        indexes = [
            models.Index(fields=["rule", "country_id", "finding"], name="coord_finding_scope"),
            models.Index(fields=["rule", "finding"], name="coord_finding_order"),
        ]


class CoordinationFindingsBuild(models.Model):
    """The one row saying which inputs the stored findings were built from, and when:
    ``inputs_version`` of every input but the programs and their links (with the day and
    the rules' definition, ``coordination_findings._VERSION_SQL``), ``programs_version``
    of the programs and their links (JSON: latest ``updated_at``, counts, highest link
    ids), from which a later build finds the programs changed since."""

    inputs_version = models.CharField(max_length=400)
    programs_version = models.TextField(default="")
    built_at = models.DateTimeField()


class PinnedReport(models.Model):
    """A target-vs-actual report a user saved ("pinned") to come back to: its name and
    the report's query string (subject and layout, as the report form reads it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pinned_reports")
    name = models.CharField(max_length=120)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "name"]
        constraints = [
            UniqueConstraint(
                fields=["user", "name"], name="pinned_report_unique_name_per_user", field="name",
                violation_error_message="You already have a pinned report with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

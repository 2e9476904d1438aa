"""The country dashboard's reads: one country's score, assessment, funding, programs,
MOE performance, evaluations, donors, crises and flags (a fixed number of queries).
Data only: model instances (with their joins) and dicts; the page's tables and charts
are ``dashboards.tables.country`` and ``dashboards.charts``. Money is US dollars."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import CountryAssessment, SelectivityScore
from assessments.selectors import (
    current_scores,
    latest_approved_assessment,
    score_caps,
    score_explanation,
    score_history,
    score_range_label,
)
from evaluations.models import CLOSED_FOLLOW_UP, CountryRollup, Evaluation, MoeAchievement, Recommendation, RollupStatus
from programs.fiscal import funding_window
from programs.models import (
    RUNNING_STATUSES,
    Country,
    CountryPriorityTier,
    CrisisEvent,
    DonorEngagement,
    Funding,
    MeasureOfEffectiveness,
    Program,
)
from programs.selectors.reviews import reviews_pending

from . import flags, snapshots
from .overview import _pct, latest

MONEY = DecimalField(max_digits=20, decimal_places=2)
PROGRAMS_SHOWN = 100
EVALUATIONS_SHOWN = 100
RECOMMENDATIONS_SHOWN = 200
MOE_STATUSES = (RollupStatus.ON_TRACK, RollupStatus.NEEDS_ATTENTION, RollupStatus.OFF_TRACK, RollupStatus.NO_DATA)


def country_find(*, iso3: str) -> Country | None:
    """The country with ISO code ``iso3`` (any case) and its regions; None when unknown."""
    return Country.objects.select_related("state_bureau", "combatant_command").filter(iso3__iexact=iso3).first()


def _program_funding(field_name: str) -> Coalesce:
    total = Funding.objects.filter(program=OuterRef("pk")).order_by().values("program").annotate(
        total=Sum(field_name)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


@dataclass
class CountryFigures:
    """One country's dashboard data.

    - ``score``: the current SelectivityScore (or None) with ``score_parts``,
      ``score_range`` and ``score_caps`` explaining it; ``score_trend``: its history.
    - ``assessment``: the latest approved CountryAssessment (or None); ``assessment_scores``
      its criterion scores.
    - ``funding_rows``: fiscal_year, agency (the lead agency's code), planned, obligated,
      disbursed (programs not archived); ``funding_totals``: planned, obligated, disbursed.
    - ``programs``: Program rows (lead agency, rollup; annotated total_planned,
      total_obligated, country_count and the pending review's review_fy,
      review_out_of_cycle, review_created), at most ``programs_limit``, of
      ``programs_total``; ``programs_computed_at``: their latest rollup.
    - ``moe_counts``: RollupStatus -> MOEs of running programs by their latest period
      (MOEs without any achievement count as no data); ``moe_count``; ``moe_computed_at``.
    - ``evaluations`` (annotated open_recs), open ``recommendations``, donor
      ``engagements``, ``division_of_labour`` (sector, us, donors, who), ``crises``.
    - ``flag_counts``: flag kind -> count, stored figures computed at ``figures_computed_at``.
    """

    country: Country
    today: dt.date
    window: tuple[int, int]
    organizations: list
    tier_decision: CountryPriorityTier | None
    score: SelectivityScore | None = None
    score_parts: list = field(default_factory=list)
    score_range: str = ""
    score_caps: list = field(default_factory=list)
    score_trend: list[SelectivityScore] = field(default_factory=list)
    assessment: CountryAssessment | None = None
    assessment_scores: list = field(default_factory=list)
    funding_rows: list[dict] = field(default_factory=list)
    funding_totals: dict[str, Decimal] = field(default_factory=dict)
    programs: list[Program] = field(default_factory=list)
    programs_total: int = 0
    programs_computed_at: dt.datetime | None = None
    moe_counts: dict[str, int] = field(default_factory=dict)
    moe_count: int = 0
    moe_computed_at: dt.datetime | None = None
    rollup: CountryRollup | None = None
    evaluations: list[Evaluation] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    engagements: list[DonorEngagement] = field(default_factory=list)
    division_of_labour: list[dict] = field(default_factory=list)
    crises: list[CrisisEvent] = field(default_factory=list)
    flag_counts: dict[str, int] = field(default_factory=dict)
    figures_computed_at: dt.datetime | None = None

    @property
    def rollup_percent(self) -> float | None:
        return _pct(self.rollup.achievement) if self.rollup else None


def _score_block(figures: CountryFigures) -> None:
    score = current_scores([figures.country.id]).first()
    figures.score = score
    if score:
        figures.score_parts = score_explanation(score)
        figures.score_range = score_range_label(score)
        figures.score_caps = score_caps(score)
    figures.score_trend = list(score_history(country=figures.country))


def _assessment_block(figures: CountryFigures) -> None:
    figures.assessment = latest_approved_assessment(country=figures.country)
    figures.assessment_scores = list(figures.assessment.scores.all()) if figures.assessment else []


def _funding_block(figures: CountryFigures) -> None:
    rows = list(
        Funding.objects.filter(program__countries=figures.country, program__archived_at__isnull=True)
        .values("fiscal_year", agency=F("program__lead_agency__code"))
        .annotate(planned=Sum("planned"), obligated=Sum("obligated"), disbursed=Sum("disbursed"))
        .order_by("fiscal_year", "agency")
    )
    figures.funding_rows = rows
    figures.funding_totals = {name: sum((r[name] for r in rows), Decimal(0))
                              for name in ("planned", "obligated", "disbursed")}


def _programs_block(figures: CountryFigures, limit: int | None) -> list[int]:
    pending = reviews_pending().filter(program=OuterRef("pk")).order_by("created_at")
    programs = list(
        Program.objects.filter(countries=figures.country, archived_at__isnull=True)
        .select_related("lead_agency", "rollup")
        .annotate(total_planned=_program_funding("planned"), total_obligated=_program_funding("obligated"),
                  country_count=Count("countries", distinct=True),
                  review_fy=Subquery(pending.values("cycle__fiscal_year")[:1]),
                  review_out_of_cycle=Subquery(pending.values("out_of_cycle")[:1]),
                  review_created=Subquery(pending.values("created_at")[:1]))
        .order_by("status", "code")
    )
    figures.programs_total = len(programs)
    figures.programs = programs if limit is None else programs[:limit]
    figures.programs_computed_at = latest(*(getattr(getattr(p, "rollup", None), "computed_at", None)
                                            for p in programs))
    return [p.id for p in programs if p.status in RUNNING_STATUSES]


def _moe_block(figures: CountryFigures) -> None:
    running = Program.objects.filter(countries=figures.country, archived_at__isnull=True, status__in=RUNNING_STATUSES)
    moe_count = MeasureOfEffectiveness.objects.filter(program__in=running, archived_at__isnull=True).count()
    latest_status = dict(
        MoeAchievement.objects.filter(program__in=running, is_latest=True, moe__archived_at__isnull=True)
        .values("status").annotate(n=Count("*")).values_list("status", "n")
    )
    with_data = sum(latest_status.values())
    counts = {status: latest_status.get(status, 0) for status in MOE_STATUSES}
    counts[RollupStatus.NO_DATA] += max(moe_count - with_data, 0)
    figures.moe_counts = counts
    figures.moe_count = moe_count
    figures.moe_computed_at = MoeAchievement.objects.filter(program__in=running).order_by("-computed_at").values_list(
        "computed_at", flat=True).first()
    figures.rollup = CountryRollup.objects.filter(country=figures.country).first()


def _evaluation_block(figures: CountryFigures) -> None:
    country = figures.country
    figures.evaluations = list(
        Evaluation.objects.filter(program__countries=country).select_related("program")
        .annotate(open_recs=Count("recommendations", filter=~Q(recommendations__follow_up_status__in=CLOSED_FOLLOW_UP)))
        .order_by("-started_on", "-id")[:EVALUATIONS_SHOWN])
    figures.recommendations = list(
        Recommendation.objects.filter(evaluation__program__countries=country)
        .exclude(follow_up_status__in=CLOSED_FOLLOW_UP).select_related("evaluation__program")
        .order_by("due_on", "id")[:RECOMMENDATIONS_SHOWN])


def _donor_block(figures: CountryFigures, running_ids: list[int]) -> None:
    engagements = list(DonorEngagement.objects.filter(country=figures.country).select_related("donor", "sector")
                       .order_by("sector__dac_code", "donor__name"))
    figures.engagements = engagements
    us = list(Program.sectors.through.objects.filter(program_id__in=running_ids)
              .values_list("sector__dac_code", "sector__name", "program__lead_agency__code").distinct())
    by_sector: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: {"us": set(), "donors": set()})
    for code, name, agency in us:
        by_sector[(code, name)]["us"].add(agency)
    for e in engagements:
        by_sector[(e.sector.dac_code, e.sector.name)]["donors"].add(e.donor.name)
    figures.division_of_labour = [
        {"sector": f"{code} {name}", "us": ", ".join(sorted(v["us"])), "donors": ", ".join(sorted(v["donors"])),
         "who": "shared" if v["us"] and v["donors"] else ("US only" if v["us"] else "other donors only")}
        for (code, name), v in sorted(by_sector.items())]


def country_dashboard(*, country: Country, programs_limit: int | None = PROGRAMS_SHOWN) -> CountryFigures:
    """One country's dashboard data (``CountryFigures``): score and its explanation,
    assessment, funding, programs (at most ``programs_limit``; None: all), MOE status,
    evaluations, donors, crises and flags."""
    today = timezone.localdate()
    figures = CountryFigures(
        country=country, today=today, window=funding_window(),
        organizations=list(country.regional_organizations.order_by("code")),
        tier_decision=(CountryPriorityTier.objects.filter(country=country)
                       .select_related("cycle", "set_by").order_by("-cycle__fiscal_year").first()),
    )
    _score_block(figures)
    _assessment_block(figures)
    _funding_block(figures)
    running_ids = _programs_block(figures, programs_limit)
    _moe_block(figures)
    _evaluation_block(figures)
    _donor_block(figures, running_ids)
    figures.crises = list(CrisisEvent.objects.filter(country=country).order_by("-occurred_on"))
    stored, figures.figures_computed_at = snapshots.figures(f"country:{country.id}", {
        "flag_counts": lambda: flags.flag_counts([country.id])})
    figures.flag_counts = stored["flag_counts"]
    return figures

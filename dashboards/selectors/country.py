"""The country dashboard's reads: one country's score, assessment, funding, programs,
MOE performance, evaluations, donors, crises and flags (a fixed number of queries)."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse

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
    ProgramReview,
    RegionScheme,
)

from . import flags, snapshots
from .overview import (
    BAND_LABELS,
    MONEY_COLUMNS,
    Dashboard,
    _flag_links,
    _latest,
    _musd,
    _pct,
    program_url,
    region_url,
)
from ..tables import Chart, Column, Link, Table

MONEY = DecimalField(max_digits=20, decimal_places=2)
STATUS_LABELS = dict(RollupStatus.choices)


def country_find(*, iso3: str) -> Country | None:
    """The country with ISO code ``iso3`` (any case) and its regions; None when unknown."""
    return Country.objects.select_related("state_bureau", "combatant_command").filter(iso3__iexact=iso3).first()


def _maybe_url(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _program_funding(field: str) -> Coalesce:
    total = Funding.objects.filter(program=OuterRef("pk")).order_by().values("program").annotate(
        total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal(0)), output_field=MONEY)


def _score_block(dashboard: Dashboard, country: Country) -> None:
    score = current_scores([country.id]).first()
    dashboard.extra["score"] = score
    dashboard.extra["score_parts"] = score_explanation(score) if score else []
    dashboard.extra["score_range"] = score_range_label(score) if score else ""
    dashboard.extra["score_caps"] = score_caps(score) if score else []
    history = list(score_history(country=country))
    table = Table("score-trend", "Selectivity score trend",
                  [Column("Computed at", "datetime"), Column("Score", "score"), Column("Band"),
                   Column("P, priority", "score"), Column("C, conditions", "score"), Column("E, effectiveness", "score"),
                   Column("Framework"), Column("Flags")],
                  [[s.computed_at, s.score, BAND_LABELS.get(s.band, s.band), s.priority_component,
                    s.conditions_component, s.effectiveness_component, f"v{s.framework.version}", ", ".join(s.flags)]
                   for s in history],
                  computed_at=score.computed_at if score else None,
                  empty_message="No selectivity score computed for this country yet.")
    chart = Chart("chart-score-trend", "Selectivity score over time (0-100)", table.key, "line",
                  labels=[s.computed_at.strftime("%Y-%m-%d %H:%M") for s in history],
                  datasets=[{"label": "Score", "data": [float(s.score) if s.score is not None else None
                                                         for s in history]}],
                  y_label="Score", y_max=100)
    dashboard.add(table, chart)


def _assessment_block(dashboard: Dashboard, country: Country) -> None:
    assessment = latest_approved_assessment(country=country)
    dashboard.extra["assessment"] = assessment
    dashboard.extra["assessment_url"] = _maybe_url("assessments:assessment-detail", pk=assessment.pk) if assessment else None
    scores = list(assessment.scores.all()) if assessment else []
    table = Table("assessment", "Latest approved assessment by criterion",
                  [Column("Criterion"), Column("Score (1-5)", "number"), Column("Weight", "number"),
                   Column("Justification")],
                  [[s.criterion.name, s.score, s.criterion.weight, s.justification] for s in scores],
                  note=f"Assessed on {assessment.assessed_on:%d %b %Y}, framework v{assessment.framework.version}."
                  if assessment else "",
                  computed_at=assessment.approved_at if assessment else None,
                  empty_message="No approved assessment of this country yet.")
    chart = Chart("chart-assessment", "Criterion scores (1-5)", table.key, "bar",
                  labels=[s.criterion.name for s in scores],
                  datasets=[{"label": "Score", "data": [s.score for s in scores]}],
                  y_label="Score (1-5)", y_max=5, horizontal=True)
    dashboard.add(table, chart)


def _funding_block(dashboard: Dashboard, country: Country) -> None:
    rows = list(
        Funding.objects.filter(program__countries=country, program__archived_at__isnull=True)
        .values("fiscal_year", "program__lead_agency__code")
        .annotate(planned=Sum("planned"), obligated=Sum("obligated"), disbursed=Sum("disbursed"))
        .order_by("fiscal_year", "program__lead_agency__code")
    )
    table = Table("funding-by-fy-agency", "Funding by fiscal year and lead agency",
                  [Column("Fiscal year"), Column("Lead agency"), *MONEY_COLUMNS],
                  [[f"FY{r['fiscal_year']}", r["program__lead_agency__code"], r["planned"], r["obligated"],
                    r["disbursed"]] for r in rows],
                  note="Programs not archived; a regional program's funding counts in full here.",
                  empty_message="No funding recorded for programs in this country.")
    years = sorted({r["fiscal_year"] for r in rows})
    agencies = sorted({r["program__lead_agency__code"] for r in rows})
    by_key = {(r["fiscal_year"], r["program__lead_agency__code"]): r for r in rows}
    chart = Chart("chart-funding-by-fy-agency", "Obligated funding by fiscal year and lead agency (USD millions)",
                  table.key, "bar", labels=[f"FY{y}" for y in years],
                  datasets=[{"label": a, "data": [_musd(by_key.get((y, a), {}).get("obligated")) for y in years]}
                            for a in agencies],
                  y_label="USD millions", stacked=True)
    dashboard.add(table, chart)
    dashboard.extra["funding_totals"] = {
        name: sum((r[name] for r in rows), Decimal(0)) for name in ("planned", "obligated", "disbursed")
    }


PROGRAMS_SHOWN = 100


def _programs_block(dashboard: Dashboard, country: Country, limit: int | None) -> list[int]:
    pending = ProgramReview.objects.filter(program=OuterRef("pk"), decision="").order_by("created_at")
    programs = list(
        Program.objects.filter(countries=country, archived_at__isnull=True)
        .select_related("lead_agency", "rollup")
        .annotate(total_planned=_program_funding("planned"), total_obligated=_program_funding("obligated"),
                  country_count=Count("countries", distinct=True),
                  review_fy=Subquery(pending.values("cycle__fiscal_year")[:1]),
                  review_out_of_cycle=Subquery(pending.values("out_of_cycle")[:1]),
                  review_created=Subquery(pending.values("created_at")[:1]))
        .order_by("status", "code")
    )
    running_ids = [p.id for p in programs if p.status in RUNNING_STATUSES]
    total = len(programs)
    shown = programs if limit is None else programs[:limit]
    rows = []
    for p in shown:
        rollup = getattr(p, "rollup", None)
        if p.review_created is None:
            review = ""
        elif p.review_out_of_cycle:
            review = "pending, out of cycle"
        else:
            review = f"pending, FY{p.review_fy} cycle"
        rows.append([Link(f"{p.code} {p.title}", program_url(p.id)), p.lead_agency.code, p.get_status_display(),
                     f"FY{p.start_fy}-FY{p.end_fy}", "regional" if p.country_count > 1 else "", p.total_planned,
                     p.total_obligated, _pct(rollup.achievement) if rollup else None,
                     STATUS_LABELS.get(rollup.status, "") if rollup else "No data", review])
    dashboard.add(Table("programs", "Programs",
                        [Column("Program"), Column("Lead agency"), Column("Status"), Column("Years"), Column("Scope"),
                         Column("Planned (USD)", "money"), Column("Obligated (USD)", "money"),
                         Column("Achievement", "percent"), Column("MOE status", "status"), Column("Next review")],
                        rows, computed_at=_latest(*(getattr(getattr(p, "rollup", None), "computed_at", None)
                                                    for p in programs)),
                        note="Achievement: the program's precomputed rollup. Next review: a pending program review."
                             + (f" Showing {len(shown)} of {total} programs; the CSV download and the program "
                                "list have them all." if len(shown) < total else ""),
                        empty_message="No programs in this country yet."))
    return running_ids


def _moe_block(dashboard: Dashboard, country: Country) -> None:
    running = Program.objects.filter(countries=country, archived_at__isnull=True, status__in=RUNNING_STATUSES)
    moe_count = MeasureOfEffectiveness.objects.filter(program__in=running, archived_at__isnull=True).count()
    latest = dict(
        MoeAchievement.objects.filter(program__in=running, is_latest=True, moe__archived_at__isnull=True)
        .values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    stamp = MoeAchievement.objects.filter(program__in=running).order_by("-computed_at").values_list(
        "computed_at", flat=True).first()
    with_data = sum(latest.values())
    rows = [[STATUS_LABELS[s], latest.get(s, 0)] for s in (RollupStatus.ON_TRACK, RollupStatus.NEEDS_ATTENTION,
                                                          RollupStatus.OFF_TRACK)]
    rows.append([STATUS_LABELS[RollupStatus.NO_DATA], max(moe_count - with_data, 0) + latest.get(RollupStatus.NO_DATA, 0)])
    table = Table("moe-performance", "MOE performance (running programs)",
                  [Column("Status by latest period"), Column("MOEs", "number")], rows if moe_count else [],
                  computed_at=stamp, note="On track >= 85 % achievement, needs attention >= 60 %, off track below.",
                  empty_message="No measures of effectiveness on running programs yet.")
    chart = Chart("chart-moe-performance", "MOEs by status", table.key, "bar", labels=[r[0] for r in rows],
                  datasets=[{"label": "MOEs", "data": [r[1] for r in rows] if moe_count else [],
                             "tones": ["ok", "warn", "bad", "nodata"]}], y_label="MOEs")
    dashboard.add(table, chart)
    rollup = CountryRollup.objects.filter(country=country).first()
    dashboard.extra["rollup"] = rollup
    dashboard.extra["rollup_percent"] = _pct(rollup.achievement) if rollup else None


def _evaluation_block(dashboard: Dashboard, country: Country, today) -> None:
    evaluations = list(Evaluation.objects.filter(program__countries=country).select_related("program")
                       .annotate(open_recs=Count("recommendations", filter=~Q(
                           recommendations__follow_up_status__in=CLOSED_FOLLOW_UP)))
                       .order_by("-started_on", "-id")[:100])
    dashboard.add(Table("evaluations", "Evaluations",
                        [Column("Evaluation"), Column("Program"), Column("Type"), Column("Started", "date"),
                         Column("Completed", "date"), Column("Rating"), Column("Open recommendations", "number")],
                        [[Link(e.title, _maybe_url("evaluations:evaluation-detail", pk=e.pk) or program_url(e.program_id)),
                          Link(e.program.code, program_url(e.program_id)), e.get_evaluation_type_display(),
                          e.started_on, e.completed_on, e.get_rating_display(), e.open_recs] for e in evaluations],
                        empty_message="No evaluation of programs in this country yet."))
    recommendations = list(
        Recommendation.objects.filter(evaluation__program__countries=country)
        .exclude(follow_up_status__in=CLOSED_FOLLOW_UP).select_related("evaluation__program").order_by("due_on", "id")[:200]
    )
    dashboard.add(Table("recommendations", "Open recommendations",
                        [Column("Recommendation"), Column("Program"), Column("Owner"), Column("Due on", "date"),
                         Column("Follow-up"), Column("Overdue")],
                        [[r.text, Link(r.evaluation.program.code, program_url(r.evaluation.program_id)), r.owner,
                          r.due_on, r.get_follow_up_status_display(), "overdue" if r.due_on < today else ""]
                         for r in recommendations],
                        empty_message="No open recommendation."))


def _donor_block(dashboard: Dashboard, country: Country, running_ids: list[int]) -> None:
    engagements = list(DonorEngagement.objects.filter(country=country).select_related("donor", "sector")
                       .order_by("sector__dac_code", "donor__name"))
    records = reverse("programs:record-list", kwargs={"kind": "donor-engagements"}) + "?" + urlencode({"q": country.name})
    dashboard.add(Table("donor-engagements", "Other donors' engagements",
                        [Column("Donor"), Column("Kind"), Column("Sector"), Column("Years"), Column("Amount (USD)", "money"),
                         Column("Description")],
                        [[Link(e.donor.name, records), e.donor.get_kind_display(), f"{e.sector.dac_code} {e.sector.name}",
                          f"FY{e.start_fy}-FY{e.end_fy}", e.amount_usd, e.description] for e in engagements],
                        empty_message="No other donor's engagement recorded."))
    us = list(Program.sectors.through.objects.filter(program_id__in=running_ids)
              .values_list("sector__dac_code", "sector__name", "program__lead_agency__code").distinct())
    by_sector: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: {"us": set(), "donors": set()})
    for code, name, agency in us:
        by_sector[(code, name)]["us"].add(agency)
    for e in engagements:
        by_sector[(e.sector.dac_code, e.sector.name)]["donors"].add(e.donor.name)
    rows = [[f"{code} {name}", ", ".join(sorted(v["us"])), ", ".join(sorted(v["donors"])),
             "shared" if v["us"] and v["donors"] else ("US only" if v["us"] else "other donors only")]
            for (code, name), v in sorted(by_sector.items())]
    dashboard.add(Table("division-of-labour", "Division of labour by sector",
                        [Column("Sector (DAC)"), Column("US agencies (running programs)"), Column("Other donors"),
                         Column("Who")], rows,
                        note="'shared' marks a sector where US programs and other donors are both active "
                             "(a possible redundancy to coordinate).",
                        empty_message="No sector recorded for running programs or donors."))


def country_dashboard(*, country: Country, programs_limit: int | None = PROGRAMS_SHOWN) -> Dashboard:
    """One country's dashboard: score and its explanation, assessments, funding, programs (at most programs_limit; None: all), MOE status, evaluations, donors and flags."""
    from django.utils import timezone

    today = timezone.localdate()
    dashboard = Dashboard(title=country.name)
    dashboard.extra["country"] = country
    dashboard.extra["bureau_url"] = region_url(RegionScheme.STATE_BUREAU, country.state_bureau.code)
    dashboard.extra["command_url"] = region_url(RegionScheme.COMBATANT_COMMAND, country.combatant_command.code)
    dashboard.extra["organizations"] = list(country.regional_organizations.order_by("code"))
    dashboard.extra["tier_decision"] = (CountryPriorityTier.objects.filter(country=country)
                                        .select_related("cycle", "set_by").order_by("-cycle__fiscal_year").first())
    dashboard.extra["selectivity_url"] = _maybe_url("assessments:country-selectivity", iso3=country.iso3)
    dashboard.extra["window"] = funding_window()
    _score_block(dashboard, country)
    _assessment_block(dashboard, country)
    _funding_block(dashboard, country)
    running_ids = _programs_block(dashboard, country, programs_limit)
    _moe_block(dashboard, country)
    _evaluation_block(dashboard, country, today)
    _donor_block(dashboard, country, running_ids)
    crises = list(CrisisEvent.objects.filter(country=country).order_by("-occurred_on"))
    dashboard.add(Table("crises", "Crisis events",
                        [Column("Crisis"), Column("Occurred on", "date"), Column("Closed on", "date"), Column("State")],
                        [[c.title, c.occurred_on, c.closed_on, "open" if c.is_open else "closed"] for c in crises],
                        empty_message="No crisis event recorded."))
    stored, flags_at = snapshots.figures(f"country:{country.id}", {
        "flag_counts": lambda: flags.flag_counts([country.id], today=today)})
    dashboard.flags = _flag_links(stored["flag_counts"], f"?country={country.iso3}")
    dashboard.extra["figures_computed_at"] = flags_at
    vetting = reverse("programs:record-list", kwargs={"kind": "vetting"}) + "?" + urlencode({"q": country.name})
    dashboard.extra["record_links"] = [
        ("All programs in this country", reverse("programs:program-list") + f"?country={country.iso3}"),
        ("Vetting records", vetting),
        ("Donor engagements", reverse("programs:record-list", kwargs={"kind": "donor-engagements"})
         + "?" + urlencode({"q": country.name})),
        ("Strategies", reverse("programs:record-list", kwargs={"kind": "strategies"}) + "?" + urlencode({"q": country.name})),
    ]
    if dashboard.extra["selectivity_url"]:
        dashboard.extra["record_links"].append(("Selectivity score and tier history", dashboard.extra["selectivity_url"]))
    assessments_url = _maybe_url("assessments:assessment-list")
    if assessments_url:
        dashboard.extra["record_links"].append(("Assessments", assessments_url + "?" + urlencode({"country": country.iso3})))
    return dashboard

"""Selectivity pages: the ranking of all countries and one country's explained score."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dashboards.charts import score_trend_chart
from programs import permissions
from infrastructure.exports import export_response
from infrastructure.versioning import StaleVersionError
from programs.filters import filter_matching, filter_refusal
from programs.models import Country
from programs.services import priorities
from programs.views.refusals import forbidden_page

from .. import selectors
from ..computations.selectivity import STALE_AFTER_MONTHS, stale_cutoff
from ..filters import SelectivityScoreFilter
from ..forms import PriorityTierForm

RANKING_COLUMNS = [
    ("Country", "country.name"),
    ("ISO3", "country.iso3"),
    ("State bureau", "country.state_bureau.code"),
    ("Combatant command", "country.combatant_command.code"),
    ("Tier", "priority_tier"),
    ("P priority", "priority_component"),
    ("C conditions", "conditions_component"),
    ("E effectiveness", "effectiveness_component"),
    ("Score", "score"),
    ("Low", "low"),
    ("High", "high"),
    ("Band", lambda s: s.get_band_display()),
    ("Band before caps", lambda s: s.get_band_uncapped_display()),
    ("Caps", lambda s: [cap.reason for cap in selectors.score_caps(s)]),
    ("Flags", lambda s: s.flags),
    ("Assessment date", "assessment_date"),
    ("Framework version", "framework.version"),
    ("Computed at", "computed_at"),
]


def ranking(request: HttpRequest) -> HttpResponse:
    """All countries' current scores in ranking order (docs/selectivity.md), or by the raw
    score, complete ones only on request: sortable, filterable, exportable (CSV, XLSX)."""
    filterset = SelectivityScoreFilter(request.GET or None, queryset=selectors.current_scores())
    scores = filter_matching(filterset)
    export = request.GET.get("export")
    if export:
        return filter_refusal(filterset) or export_response(scores, RANKING_COLUMNS, fmt=export, stem="selectivity-ranking")
    params = request.GET.copy()
    params.pop("sort", None)
    params.pop("export", None)
    rows = [
        {"score": score, "range": selectors.score_range_label(score), "caps": selectors.score_caps(score)}
        for score in scores
    ]
    return render(
        request,
        "assessments/ranking.html",
        {
            "filter": filterset,
            "scores": scores,
            "rows": rows,
            "rank_by": filterset.form.cleaned_data.get("rank") if filterset.is_bound and filterset.is_valid() else "",
            "query": params.urlencode(),
            "sort": request.GET.get("sort", ""),
            "sort_columns": [
                ("country", "Country"), ("tier", "Tier"), ("priority", "P"), ("conditions", "C"),
                ("effectiveness", "E"), ("score", "Score"), ("low", "Range"), ("band", "Band"),
            ],
        },
    )


def country_selectivity(request: HttpRequest, iso3: str) -> HttpResponse:
    """How ``iso3``'s current score was made: components, inputs and dates, weights, flags, trend."""
    country = get_object_or_404(
        Country.objects.select_related("state_bureau", "combatant_command"), iso3=iso3.upper()
    )
    history = list(selectors.score_history(country=country))
    current = history[-1] if history else None
    assessment = selectors.latest_approved_assessment(country=country)
    tier_decisions = list(selectors.country_tier_decisions(country=country))
    return render(
        request,
        "assessments/country_selectivity.html",
        {
            "country": country,
            "current": current,
            "explanation": selectors.score_explanation(current) if current else [],
            "evidence_gaps": selectors.score_evidence_gaps(current) if current else [],
            "caps": selectors.score_caps(current) if current else [],
            "history": list(reversed(history)),
            "trend_chart": score_trend_chart(history),
            "assessment": assessment,
            "assessments": list(selectors.country_assessments(country=country)),
            "tier_decisions": tier_decisions,
            "crises": list(selectors.country_open_crises(country=country)),
            "stale_months": STALE_AFTER_MONTHS,
            "stale_cutoff": stale_cutoff(current.as_of) if current else None,
            "tier_form": PriorityTierForm(decisions=tier_decisions) if permissions.is_manager(request.user) else None,
        },
    )


@require_POST
@forbidden_page(template="assessments/forbidden.html")
def priority_tier_set(request: HttpRequest, iso3: str) -> HttpResponse:
    country = get_object_or_404(Country, iso3=iso3.upper())
    permissions.require_manager(request.user, "set priority tiers")
    form = PriorityTierForm(request.POST)
    if form.is_valid():
        cycle = form.cleaned_data["cycle"]
        try:
            priorities.priority_tier_set(
                user=request.user, country=country, cycle=cycle,
                tier=form.cleaned_data["tier"], rationale=form.cleaned_data["rationale"],
                version=form.version_read(cycle),
            )
        except StaleVersionError as stale:
            messages.error(request, str(stale))
            return redirect("assessments:country-selectivity", iso3=country.iso3)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Priority tier of {country} set; its score is being recomputed.")
            return redirect("assessments:country-selectivity", iso3=country.iso3)
    for field, errors in form.errors.items():
        label = form.fields[field].label or field.capitalize() if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect("assessments:country-selectivity", iso3=country.iso3)

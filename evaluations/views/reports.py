"""The target-vs-actual report (page and XLSX/CSV export) and the rollups overview."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from infrastructure.exports import export_response
from infrastructure.models import DeferredTask
from programs.models import RegionScheme

from ..forms import TargetVsActualForm
from ..selectors.reports import COLUMNS, target_vs_actual_for_country, target_vs_actual_for_program
from ..selectors.rollups import country_rollups, goal_rollups, program_rollups, region_rollups


def target_vs_actual_page(request: HttpRequest) -> HttpResponse:
    form = TargetVsActualForm(request.GET or None)
    rows, subject = None, None
    if form.is_valid():
        if form.cleaned_data["program"]:
            subject = form.cleaned_data["program"]
            rows = target_vs_actual_for_program(subject)
        elif form.cleaned_data["country"]:
            subject = form.cleaned_data["country"]
            rows = target_vs_actual_for_country(subject)
    fmt = request.GET.get("format")
    if rows is not None and fmt:
        stem = f"target-vs-actual-{getattr(subject, 'code', None) or subject.iso3}"
        return export_response(rows, COLUMNS, fmt=fmt, stem=stem)
    return render(request, "evaluations/target_vs_actual.html", {
        "form": form, "rows": rows, "subject": subject, "query": request.GET.urlencode(),
    })


def rollups_page(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/rollups.html", {
        "bureaus": region_rollups(RegionScheme.STATE_BUREAU),
        "commands": region_rollups(RegionScheme.COMBATANT_COMMAND),
        "goals": goal_rollups(),
        "countries": country_rollups(with_programs_only=True),
        "programs": program_rollups()[:200],
        "pending_recomputes": DeferredTask.objects.filter(task_name__startswith="evaluations.").count(),
    })

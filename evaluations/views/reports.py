"""The target-vs-actual report (page and XLSX/CSV export) and the rollups overview."""
from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from infrastructure.exports import FORMATS
from infrastructure.gc_pause import collection_paused
from infrastructure.models import DeferredTask
from infrastructure.worker_heartbeat import worker_absent
from programs.models import RegionScheme

from ..charts import moe_chart_svg, series_from_figures
from ..forms import PinnedReportForm, TargetVsActualForm
from ..iptt_exports import iptt_changes, iptt_csv_lines, iptt_workbook
from ..models import PinnedReport
from ..selectors.iptt import IpttReport, iptt_report
from ..services.pinned_reports import pinned_query, pinned_report_delete, pinned_report_save
from ..selectors.rollups import country_rollups, goal_rollups, program_rollups, region_rollups


def _report_charts(report: IpttReport) -> list[dict]:
    """A chart (and the figures behind it) per MOE on the page, from its stored periods."""
    charts = []
    for group in report.groups:
        for row in group.rows:
            if row.is_category:
                continue
            meta = report.moes[row.moe_id]
            series = series_from_figures(
                title=f"{row.program_code} · {row.name}", unit=meta["unit"], baseline=meta["baseline_value"],
                status=row.status, cumulative=meta["is_cumulative"], figures=report.series[row.moe_id],
            )
            charts.append({"series": series, "svg": moe_chart_svg(series, chart_id=f"chart-{row.moe_id}")})
    return charts


def _export(report_form: TargetVsActualForm, fmt: str) -> HttpResponse:
    subject = report_form.subject
    stem = re.sub(r"[^\w.-]+", "-", f"target-vs-actual-{getattr(subject, 'code', None) or getattr(subject, 'iso3', subject)}")
    filename = f"{stem}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        # Tens of thousands of rows, cells and style objects, no reference cycles: the
        # cyclic collector's passes over the process were a third of the export
        # (infrastructure.gc_pause; docs/performance.md).
        with collection_paused():
            report = iptt_report(subject, report_form.options(), all_pages=True)
            body = iptt_workbook(report, iptt_changes(list(report.moes)))
        response = HttpResponse(body, content_type=FORMATS["xlsx"])
    elif fmt == "csv":
        report = iptt_report(subject, report_form.options(), all_pages=True)
        response = StreamingHttpResponse(iptt_csv_lines(report), content_type=FORMATS["csv"])
    else:
        raise Http404(f"Unknown export format '{fmt}'; use csv or xlsx.")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def target_vs_actual_page(request: HttpRequest) -> HttpResponse:
    """The IPTT: a report of a program, country, region or goal (GET), exported as XLSX
    or CSV (``format``); POST pins the shown report under a name or removes a pin."""
    if request.method == "POST":
        return _pinned_report_post(request)
    form = TargetVsActualForm(request.GET or None)
    report, charts = None, []
    if form.is_valid():
        fmt = request.GET.get("format")
        if fmt:
            return _export(form, fmt)
        report = iptt_report(form.subject, form.options())
        if report.options.charts:
            charts = _report_charts(report)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(request, "evaluations/target_vs_actual.html", {
        "form": form, "report": report, "charts": charts, "query": query.urlencode(),
        "pinned": list(PinnedReport.objects.filter(user=request.user)),
        "pin_form": PinnedReportForm(),
    }, status=400 if request.GET and form.errors else 200)


def _pinned_report_post(request: HttpRequest) -> HttpResponse:
    if "unpin" in request.POST:
        try:
            pinned_report_delete(user=request.user, pk=int(request.POST["unpin"]))
        except (PinnedReport.DoesNotExist, ValueError) as exc:
            raise Http404("No such pinned report of yours.") from exc
        messages.success(request, "Pinned report removed.")
        return redirect("evaluations:target-vs-actual")
    query = request.POST.get("query", "")
    pin_form = PinnedReportForm(request.POST)
    if pin_form.is_valid():
        try:
            pinned = pinned_report_save(user=request.user, name=pin_form.cleaned_data["name"], query=query)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Report pinned as “{pinned.name}”.")
            return redirect(f"{reverse('evaluations:target-vs-actual')}?{pinned.query}")
    else:
        messages.error(request, "Name of the pinned report: " + " ".join(pin_form.errors.get("name", [])))
    return redirect(f"{reverse('evaluations:target-vs-actual')}?{pinned_query(query)}")


def rollups_page(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/rollups.html", {
        "bureaus": region_rollups(RegionScheme.STATE_BUREAU),
        "commands": region_rollups(RegionScheme.COMBATANT_COMMAND),
        "goals": goal_rollups(),
        "countries": country_rollups(with_programs_only=True),
        "programs": program_rollups()[:200],
        "pending_recomputes": DeferredTask.objects.filter(task_name__startswith="evaluations.").count(),
        "worker_absent": worker_absent(),
    })

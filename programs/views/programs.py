"""Program pages: list (filters, search, sort, pages, export), detail, create, edit,
lifecycle actions, archive/restore and history."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import permissions
from ..actuals import period_actual
from evaluations.selectors.program_results import ResultsSummary, program_results
from infrastructure.exports import export_response
from ..importing.exports import (
    MEASUREMENT_EXPORT_COLUMNS,
    MOE_EXPORT_COLUMNS,
    PROGRAM_EXPORT_COLUMNS,
    measurement_export_rows,
    moe_export_rows,
    program_export_rows,
    program_measurements,
)
from ..filters import ProgramFilter, filter_matching, filter_refusal
from ..models import Funding, Measurement, MeasureOfEffectiveness, Program, Target
from ..selectors.history import history_entries
from ..selectors.programs import program_detail, program_search
from infrastructure.versioning import StaleVersionError
from ..services.programs import (
    TRANSITIONS,
    allowed_transitions,
    archive_reason_error,
    is_approved_data,
    program_archive,
    program_create,
    program_restore,
    program_transition,
    program_update,
)
from ..forms.change_fields import version_int
from ..forms.pickers import picker_results
from ..forms.program_picker import program_label
from ..forms.programs import ArchiveForm, FundingFormSet, ProgramForm, TransitionForm, funding_initial
from .refusals import forbidden_page
from infrastructure.form_errors import apply_service_errors, stale_version_shown
from .paging import paginate, query_without

TRANSITION_LABELS = {
    "approve": "Approve",
    "start": "Start",
    "review": "Put under review",
    "continue": "Continue after review",
    "restructure": "Restructure",
    "terminate": "Terminate",
    "complete": "Complete",
}
SORTABLE = [("code", "Code"), ("title", "Title"), ("agency", "Lead"), ("status", "Status"),
            ("start_fy", "Years"), ("planned", "Planned (USD)"), ("obligated", "Obligated (USD)")]


def program_list(request: HttpRequest) -> HttpResponse:
    filterset = ProgramFilter(request.GET)
    page = paginate(request, filter_matching(filterset))
    current = request.GET.get("ordering", "")
    columns = [
        {"label": label, "key": key, "current": current.lstrip("-") == key,
         "next": f"-{key}" if current == key else key, "descending": current == f"-{key}"}
        for key, label in SORTABLE
    ]
    return render(
        request,
        "programs/program_list.html",
        {
            "filter": filterset,
            "page": page,
            "columns": columns,
            "query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "ordering"),
            "can_create": permissions.can_create_programs(request.user),
        },
    )


def program_export(request: HttpRequest, fmt: str) -> HttpResponse:
    filterset = ProgramFilter(request.GET)
    if refusal := filter_refusal(filterset):
        return refusal
    return export_response(program_export_rows(filter_matching(filterset)), PROGRAM_EXPORT_COLUMNS, fmt=fmt, stem="programs")


def program_moe_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The MOEs and targets of the filtered program list, in the MOEs template."""
    filterset = ProgramFilter(request.GET)
    if refusal := filter_refusal(filterset):
        return refusal
    return export_response(moe_export_rows(filter_matching(filterset)), MOE_EXPORT_COLUMNS, fmt=fmt, stem="moes")


def program_measurement_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The measurements of the filtered program list, in the measurements template."""
    filterset = ProgramFilter(request.GET)
    if refusal := filter_refusal(filterset):
        return refusal
    rows = measurement_export_rows(program_measurements(filter_matching(filterset)))
    return export_response(rows, MEASUREMENT_EXPORT_COLUMNS, fmt=fmt, stem="measurements")


def _moe_rows(program: Program, results: ResultsSummary) -> list[dict]:
    """Each MOE with its targets, latest value (any status), latest approved value and its
    actual (a cumulative MOE's running total, by ``programs.actuals.period_actual``, which
    its running-total target compares with) and its results (every period, chart), from
    the prefetched data (no queries)."""
    rows = []
    for moe in program.moes.all():
        measurements = list(moe.measurements.all())
        approved = [m for m in measurements if m.status == "approved"]
        targets = list(moe.targets.all())
        latest_approved = approved[-1] if approved else None
        target_by_period = {t.period: t.value for t in targets}
        rows.append(
            {
                "moe": moe,
                "targets": targets,
                "latest": measurements[-1] if measurements else None,
                "latest_approved": latest_approved,
                "latest_actual": period_actual(
                    is_cumulative=moe.is_cumulative, period_end=latest_approved.period_end,
                    own_value=latest_approved.value, approved=[(m.period_end, m.value) for m in approved],
                ) if latest_approved else None,
                "latest_target": target_by_period.get(latest_approved.period) if latest_approved else None,
                "categories": list(moe.disaggregation_categories.all()),
                "results": results.by_moe[moe.id],
            }
        )
    return rows


def _funding_totals(funding: list[Funding]) -> dict:
    return {name: sum((getattr(f, name) for f in funding), start=0) for name in ("planned", "obligated", "disbursed")}


def program_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        program = program_detail(pk=pk)
    except Program.DoesNotExist as exc:
        raise Http404("No such program.") from exc
    funding = list(program.funding.all())
    institutions = list(program.partner_institutions.all())
    vetting_rows = [
        {"institution": inst, "vettings": list(inst.vettings.all())[:3]}
        for inst in institutions
    ]
    actions = [
        {"action": a, "label": TRANSITION_LABELS.get(a, a), "target": TRANSITIONS[a][1]}
        for a in allowed_transitions(request.user, program)
    ]
    can_edit = permissions.can_edit_program(request.user, program) and not program.is_archived
    results = program_results(program=program, moes=program.moes.all())
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "funding": funding,
            "funding_totals": _funding_totals(funding),
            "moe_rows": _moe_rows(program, results),
            "results": results,
            "vetting_rows": vetting_rows,
            "reviews": list(program.reviews.all()),
            "actions": actions,
            "can_edit": can_edit,
            "can_archive": (can_edit or permissions.is_manager(request.user)) and not program.is_archived,
            "archive_needs_reason": archive_reason_error(program.status, "") is not None,
            "can_restore": permissions.can_restore(request.user) and program.is_archived,
        },
    )


@forbidden_page
def program_create_page(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_create_programs(request.user),
        "Only analysts create programs.",
    )
    form = ProgramForm(request.POST or None, user=request.user)
    for name in ("rationale_category", "rationale"):  # a new program has no approved data yet
        form.fields.pop(name)
    funding = FundingFormSet(request.POST or None, prefix="funding")
    if request.method == "POST" and form.is_valid() and funding.is_valid():
        try:
            with transaction.atomic():
                program = program_create(user=request.user, data=form.service_data(), funding=funding.service_rows())
        except ValidationError as exc:
            apply_service_errors(form, exc, formsets={"funding": funding, "fiscal_year": funding})
        else:
            messages.success(request, f"Program {program.code} created.")
            return redirect("programs:program-detail", pk=program.pk)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "funding": funding, "program": None, "needs_rationale": False},
        status=400 if request.method == "POST" else 200,
    )


def program_country_options(request: HttpRequest) -> HttpResponse:
    """The program form's objectives, long-term objective and partner institutions for
    the countries in the query string (htmx swaps them into the form as countries change);
    choices already made stay selected where they still belong."""
    form = ProgramForm(request.GET, user=request.user)
    return render(request, "programs/partials/country_options.html", {"form": form})


@require_GET
def program_pick(request: HttpRequest) -> JsonResponse:
    """The program picker's search (``q``: text in the code or title, any case): at most
    ``PICKER_RESULTS`` pickable programs, by code, as ``{"results": [{"value": code,
    "label": "code — title"}]}``; signed-in users only (the login middleware)."""
    rows = program_search(request.GET.get("q", "")[:100])
    return JsonResponse(picker_results([(row["code"], program_label(row["code"], row["title"])) for row in rows]))


@forbidden_page
def program_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("lead_agency"), pk=pk)
    permissions.require_program_editor(request.user, program)
    if program.is_archived:
        messages.error(request, "This program is archived; a manager must restore it before it can be edited.")
        return redirect("programs:program-detail", pk=program.pk)
    context: dict = {"program": program, "needs_rationale": is_approved_data(program)}
    if request.method == "POST":
        form = ProgramForm(request.POST, instance=Program.objects.get(pk=pk), user=request.user)
        funding = FundingFormSet(request.POST, prefix="funding")
        if form.is_valid() and funding.is_valid():
            try:
                with transaction.atomic():
                    program_update(
                        user=request.user,
                        program=program,
                        data=form.service_data(),
                        version=version_int(form.cleaned_data.get("version")),
                        funding=funding.service_rows(),
                        rationale_category=form.cleaned_data.get("rationale_category", ""),
                        rationale=form.cleaned_data.get("rationale", ""),
                    )
            except StaleVersionError as exc:
                context.update(stale_version_shown(exc, form))
            except ValidationError as exc:
                apply_service_errors(form, exc, formsets={"funding": funding, "fiscal_year": funding})
            else:
                messages.success(request, f"Program {program.code} saved.")
                return redirect("programs:program-detail", pk=program.pk)
        status = 409 if "stale_changes" in context else 400
    else:
        form = ProgramForm(instance=program, user=request.user, initial={"version": program.version})
        funding = FundingFormSet(prefix="funding", initial=funding_initial(program))
        status = 200
    if not context["needs_rationale"]:
        for name in ("rationale_category", "rationale"):
            form.fields.pop(name, None)
    context.update({"form": form, "funding": funding})
    return render(request, "programs/program_form.html", context, status=status)


@require_POST
@forbidden_page
def program_transition_page(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("lead_agency"), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label or field}: {' '.join(errors)}")
        return redirect("programs:program-detail", pk=pk)
    action = form.cleaned_data["action"]
    try:
        program_transition(
            user=request.user,
            program=program,
            action=action,
            reason=form.cleaned_data["reason"],
            version=version_int(form.cleaned_data.get("version")),
        )
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "; ".join(_named_messages(exc)))
    else:
        messages.success(request, f"{TRANSITION_LABELS.get(action, action)}: program {program.code} is now {Program.objects.get(pk=pk).get_status_display().lower()}.")
    return redirect("programs:program-detail", pk=pk)


def _named_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field.replace('_', ' ').capitalize()}: {m}" if field != "__all__" else m
            for field, msgs in exc.message_dict.items()
            for m in msgs
        ]
    return list(exc.messages)


@require_POST
@forbidden_page
def program_archive_page(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program.objects.select_related("lead_agency"), pk=pk)
    form = ArchiveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        program_archive(user=request.user, program=program, reason=reason, version=version_int(request.POST.get("version")))
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "Not archived. " + "; ".join(_named_messages(exc)))
    else:
        messages.success(request, f"Program {program.code} archived; it is hidden from lists until a manager restores it.")
    return redirect("programs:program-detail", pk=pk)


@require_POST
@forbidden_page
def program_restore_page(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    form = ArchiveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        program_restore(user=request.user, program=program, reason=reason, version=version_int(request.POST.get("version")))
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Program {program.code} restored.")
    return redirect("programs:program-detail", pk=pk)


def program_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of the program, its funding, MOEs, targets and measurements, newest first."""
    program = get_object_or_404(Program, pk=pk)
    moe_ids = list(MeasureOfEffectiveness.objects.filter(program=program).values_list("pk", flat=True))
    entries = (
        history_entries(program.history.all(), title="Program")
        + history_entries(Funding.history.filter(program_id=pk), title="Funding")
        + history_entries(MeasureOfEffectiveness.history.filter(program_id=pk), title="MOE")
        + history_entries(Target.history.filter(moe_id__in=moe_ids), title="Target")
        + history_entries(Measurement.history.filter(moe_id__in=moe_ids), title="Measurement")
    )
    entries.sort(key=lambda e: e["date"], reverse=True)
    return render(
        request,
        "programs/history.html",
        {"record": program, "entries": entries, "back_url": reverse("programs:program-detail", args=[pk])},
    )

"""MOE pages (with inline targets and categories), the measurement entry grid, and the
managers' approvals queue."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions
from infrastructure.exports import export_response
from ..importing.exports import MEASUREMENT_EXPORT_COLUMNS
from ..forms.change_fields import version_int
from ..forms.measures import BreakdownForm, MeasurementGridForm, MoeForm, ReturnForm, TargetGridForm
from ..models import MeasureOfEffectiveness, Measurement, Program
from ..numbers import plain_decimal
from ..selectors.history import history_entries
from ..selectors.measures import (
    approval_set,
    grid_fiscal_year,
    grid_periods,
    measurement_breakdown_status,
    measurement_grid,
)
from infrastructure.versioning import StaleVersionError
from ..services.measures import (
    measurement_approve,
    measurement_grid_record,
    measurement_record,
    measurement_return,
    moe_archive,
    moe_create,
    moe_update,
)
from ..services.programs import is_approved_data
from ..services.approvals import decision_reason, measurements_decide, measurements_decide_check
from ..filters import ApprovalFilter, filter_refusal
from .refusals import forbidden_page
from infrastructure.form_errors import apply_service_errors, stale_version_shown
from infrastructure.wording import counted
from .paging import paginate, query_without, selected_ids


def _editable_program(request: HttpRequest, pk: int) -> Program:
    program = get_object_or_404(Program.objects.select_related("lead_agency"), pk=pk)
    permissions.require_program_editor(request.user, program)
    return program


@forbidden_page
def moe_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    program = _editable_program(request, pk)
    form = MoeForm(request.POST or None)
    frequency = request.POST.get("frequency") or form["frequency"].value()
    targets = TargetGridForm(request.POST or None, frequency=frequency, program=program)
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        try:
            with transaction.atomic():
                moe = moe_create(
                    user=request.user,
                    program=program,
                    data=form.service_data(),
                    targets=targets.service_rows(),
                    categories=form.cleaned_data["categories"],
                )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            count = len(targets.service_rows())
            messages.success(request, f"Measure “{moe.name}” added with {count} target{'' if count == 1 else 's'}.")
            return redirect(reverse("programs:program-detail", args=[program.pk]) + "#moes")
    form.redraw_targets_from(reverse("programs:moe-target-grid", args=[program.pk]))
    return render(
        request,
        "programs/moe_form.html",
        {"form": form, "targets": targets, "program": program, "moe": None, "needs_rationale": False},
        status=400 if request.method == "POST" else 200,
    )


@forbidden_page
def moe_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    moe = get_object_or_404(MeasureOfEffectiveness.objects.select_related("program__lead_agency"), pk=pk)
    program = moe.program
    permissions.require_program_editor(request.user, program)
    context: dict = {"program": program, "moe": moe, "needs_rationale": is_approved_data(program)}
    status = 200
    if request.method == "POST":
        form = MoeForm(request.POST, instance=MeasureOfEffectiveness.objects.get(pk=pk))
        targets = TargetGridForm(request.POST, frequency=request.POST.get("frequency", moe.frequency), program=program)
        if form.is_valid() and targets.is_valid():
            try:
                with transaction.atomic():
                    moe_update(
                        user=request.user,
                        moe=moe,
                        data=form.service_data(),
                        version=version_int(form.cleaned_data.get("version")),
                        targets=targets.service_rows(),
                        categories=form.cleaned_data["categories"],
                        rationale_category=form.cleaned_data.get("rationale_category", ""),
                        rationale=form.cleaned_data.get("rationale", ""),
                    )
            except StaleVersionError as exc:
                context.update(stale_version_shown(exc, form))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Measure “{moe.name}” saved.")
                return redirect(reverse("programs:program-detail", args=[program.pk]) + "#moes")
        status = 409 if "stale_changes" in context else 400
    else:
        form = MoeForm(instance=moe, initial={"version": moe.version})
        targets = TargetGridForm(frequency=moe.frequency, program=program,
                                 current={t.period: t.value for t in moe.targets.all()})
    form.redraw_targets_from(reverse("programs:moe-target-grid", args=[program.pk]))
    context.update({"form": form, "targets": targets})
    return render(request, "programs/moe_form.html", context, status=status)


@forbidden_page
def moe_target_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """The target grid of program ``pk`` for the frequency in the query string, keeping
    the values typed so far (htmx swaps it into the MOE form as the frequency changes)."""
    program = _editable_program(request, pk)
    targets = TargetGridForm(request.GET, frequency=request.GET.get("frequency", ""), program=program)
    targets.is_valid()  # typed values are shown back as typed, errors with them
    return render(request, "programs/partials/target_grid.html", {"targets": targets, "program": program})


def moe_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    moe = get_object_or_404(MeasureOfEffectiveness, pk=pk)
    from ..models import Target

    entries = (
        history_entries(moe.history.all(), title="MOE")
        + history_entries(Target.history.filter(moe_id=pk), title="Target")
        + history_entries(Measurement.history.filter(moe_id=pk), title="Measurement")
    )
    entries.sort(key=lambda e: e["date"], reverse=True)
    return render(
        request,
        "programs/history.html",
        {"record": moe, "entries": entries, "back_url": reverse("programs:program-detail", args=[moe.program_id])},
    )


@forbidden_page
def measurement_grid_page(request: HttpRequest, pk: int) -> HttpResponse:
    """MOEs x the quarters of one fiscal year: a quarter (or a year) entered in one form."""
    program = get_object_or_404(Program.objects.select_related("lead_agency"), pk=pk)
    can_edit = permissions.can_edit_program(request.user, program) and not program.is_archived
    fiscal_year = grid_fiscal_year(program, request.GET.get("fy") or request.POST.get("fy"))
    rows = measurement_grid(program=program, fiscal_year=fiscal_year)
    cells = [cell for row in rows for cell in row["cells"] if cell is not None]
    context: dict = {"program": program, "fiscal_year": fiscal_year, "can_edit": can_edit,
                     "fiscal_years": list(range(program.start_fy, program.end_fy + 1))}
    status = 200
    if request.method == "POST":
        permissions.require_program_editor(request.user, program)
        form = MeasurementGridForm(request.POST, cells=cells)
        if form.is_valid():
            submit = "submit" in request.POST
            changed = form.changed_cells()
            try:
                result = measurement_grid_record(
                    user=request.user,
                    program=program,
                    cells=[{**c, "version": version_int(c["version"])} for c in changed],
                    rationale_category=form.cleaned_data.get("rationale_category", ""),
                    rationale=form.cleaned_data.get("rationale", ""),
                    submit=submit,
                    periods=grid_periods(fiscal_year),
                )
            except StaleVersionError as exc:
                context.update(stale_version_shown(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"FY{fiscal_year}: {grid_outcome(result)}.")
                return redirect(reverse("programs:measurement-grid", args=[program.pk]) + f"?fy={fiscal_year}")
        status = 409 if "stale_changes" in context else 400
    else:
        form = MeasurementGridForm(cells=cells)
    for row in rows:
        row["fields"] = [
            None if cell is None else cell if cell["not_started"] else {
                **cell,
                "value_field": form[f"value_{cell['key']}"],
                "version_field": form[f"version_{cell['key']}"],
            }
            for cell in row["cells"]
        ]
    statuses = {c["measurement"].status for c in form.cells if c["measurement"]}
    context.update({"form": form, "rows": rows, "quarters": [f"Q{q}" for q in (1, 2, 3, 4)],
                    "needs_rationale": "approved" in statuses, "has_locked": bool(statuses & {"approved", "submitted"})})
    return render(request, "programs/measurement_grid.html", context, status=status)


def _values(n: int) -> str:
    return f"{n} value{'' if n == 1 else 's'}"


def grid_outcome(result: dict[str, int]) -> str:
    """What a grid save did, in words: "1 value saved and sent back for approval",
    "2 values saved as draft; 3 values submitted for approval", "1 value removed",
    "nothing changed"."""
    drafts = result["recorded"] - result["resubmitted"]
    parts = []
    if result.get("removed"):
        parts.append(f"{_values(result['removed'])} removed")
    if result["resubmitted"]:
        parts.append(f"{_values(result['resubmitted'])} saved and sent back for approval")
    if drafts and not result["submitted"]:
        parts.append(f"{_values(drafts)} saved as draft")
    elif drafts:
        parts.append(f"{_values(drafts)} saved")
    if result["submitted"]:
        parts.append(f"{_values(result['submitted'])} submitted for approval")
    return "; ".join(parts) or "nothing changed"


APPROVALS_PER_PAGE = 50  # rows of the queue a page shows


@forbidden_page
def approvals_page(request: HttpRequest) -> HttpResponse:
    """The queue, filtered (program, country, agency, period, MOE kind), with a bulk
    decision form over the selected values or all that match."""
    permissions.require_manager(request.user, "see the approvals queue")
    queue = ApprovalFilter(request.GET)
    page = paginate(request, queue.matching, per_page=APPROVALS_PER_PAGE)
    rows = [(measurement, measurement_breakdown_status(measurement)) for measurement in page.object_list]
    return render(request, "programs/approvals.html", {
        "page": page, "rows": rows, "filter": queue,
        "query": query_without(request, "page"),
    })


@require_POST
@forbidden_page
def approvals_decide_page(request: HttpRequest) -> HttpResponse:
    """Approve or return the selected values with one reason; with scope "all", every
    value the queue's filter in the query string matches, in two steps: a confirmation
    page first (nothing saved), then the decision on the set confirmed."""
    measurements_decide_check(request.user)
    back = reverse("programs:approvals") + (f"?{request.GET.urlencode()}" if request.GET else "")
    if request.POST.get("scope") == "all":
        return _decide_all_matching(request, back)
    ids = selected_ids(request)
    versions = {pk: version_int(request.POST.get(f"version_{pk}")) for pk in ids}
    return _decided(request, back, ids=ids, versions=versions)


def _decide_all_matching(request: HttpRequest, back: str) -> HttpResponse:
    """Without ``confirmed`` (from the queue): the confirmation page. With it (from that
    page): the decision, if ``confirmed`` is still the fingerprint of the set the filter
    matches; if the set changed meanwhile (a value added, edited or decided), the new
    confirmation with a message saying so (409), nothing decided."""
    decision = request.POST.get("decision", "")
    try:
        reason = decision_reason(decision, request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    queue = ApprovalFilter(request.GET)
    matching = approval_set(queue.matching)
    if not matching.count:
        messages.error(request, "Nothing waiting for approval matches the filter now. Nothing was decided.")
        return redirect(back)
    confirming = "confirmed" in request.POST  # from the confirmation page
    if confirming and request.POST["confirmed"] == matching.fingerprint:
        return _decided(request, back, ids=list(matching.versions), versions=matching.versions)
    return render(request, "programs/approvals_confirm.html", {
        "matching": matching, "decision": decision, "reason": reason, "back": back, "changed": confirming,
        "pages": -(-matching.count // APPROVALS_PER_PAGE), "per_page": APPROVALS_PER_PAGE,
        "filters": [(queue.form[name].label, value) for name, value in queue.form.cleaned_data.items() if value],
    }, status=409 if confirming else 200)


def _decided(request: HttpRequest, back: str, *, ids: list[int], versions: dict[int, int]) -> HttpResponse:
    """Decide ``ids`` at ``versions`` as the form posted, then back to the queue with a
    message saying what was done or why nothing was."""
    decision = request.POST.get("decision", "")
    try:
        count = measurements_decide(user=request.user, ids=ids, decision=decision,
                                    reason=request.POST.get("reason", ""), versions=versions)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = "approved" if decision == "approve" else "returned for revision"
        messages.success(request, f"{counted(count, 'value')} {done}.")
    return redirect(back)


@forbidden_page
def approvals_export(request: HttpRequest, fmt: str) -> HttpResponse:
    permissions.require_manager(request.user, "export the approvals queue")
    # the queue as filtered on the page (the links carry its query), rows loaded with what
    # they name (approvals_queue: program, agency, author, breakdown)
    queue = ApprovalFilter(request.GET)
    if refusal := filter_refusal(queue):
        return refusal
    return export_response(queue.matching, MEASUREMENT_EXPORT_COLUMNS, fmt=fmt, stem="approvals")


def _after_decision(request: HttpRequest) -> HttpResponse:
    if request.htmx:
        return render(request, "programs/partials/decision_row.html")
    return redirect("programs:approvals")


@require_POST
@forbidden_page
def measurement_approve_page(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = get_object_or_404(Measurement.objects.select_related("moe"), pk=pk)
    try:
        measurement_approve(user=request.user, measurement=measurement, version=version_int(request.POST.get("version")))
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Approved {measurement.moe.name} {measurement.period}.")
    return _after_decision(request)


@require_POST
@forbidden_page
def measurement_return_page(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = get_object_or_404(Measurement.objects.select_related("moe"), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Reason: say what needs revising before returning the value.")
        return _after_decision(request)
    try:
        measurement_return(
            user=request.user,
            measurement=measurement,
            reason=form.cleaned_data["reason"],
            version=version_int(form.cleaned_data.get("version")),
        )
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Returned {measurement.moe.name} {measurement.period} for revision.")
    return _after_decision(request)




@require_POST
@forbidden_page
def moe_archive_page(request: HttpRequest, pk: int) -> HttpResponse:
    moe = get_object_or_404(MeasureOfEffectiveness.objects.select_related("program__lead_agency"), pk=pk)
    try:
        moe_archive(user=request.user, moe=moe, reason=request.POST.get("reason", "")[:500],
                    version=version_int(request.POST.get("version")))
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Measure “{moe.name}” archived; its values and history are kept.")
    return redirect(reverse("programs:program-detail", args=[moe.program_id]) + "#moes")


@forbidden_page
def measurement_breakdown_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a measurement's values by disaggregation category (e.g. by sex, by province)."""
    measurement = get_object_or_404(
        Measurement.objects.select_related("moe__program__lead_agency").prefetch_related("breakdown"), pk=pk
    )
    moe, program = measurement.moe, measurement.moe.program
    permissions.require_program_editor(request.user, program)
    categories = list(moe.disaggregation_categories.all())
    current = {row.category_id: row.value for row in measurement.breakdown.all()}
    context: dict = {"measurement": measurement, "moe": moe, "program": program}
    status = 200
    if request.method == "POST":
        form = BreakdownForm(request.POST, categories=categories, current=current)
        if form.is_valid():
            try:
                measurement_record(
                    user=request.user,
                    moe=moe,
                    period=measurement.period,
                    value=form.cleaned_data["value"],
                    source=measurement.source,
                    evidence_url=measurement.evidence_url,
                    collected_on=measurement.collected_on,
                    version=version_int(form.cleaned_data.get("version")),
                    rationale_category=form.cleaned_data.get("rationale_category", ""),
                    rationale=form.cleaned_data.get("rationale", ""),
                    breakdown=form.breakdown(),
                    breakdown_partial=form.cleaned_data["breakdown_partial"],
                )
            except StaleVersionError as exc:
                context.update(stale_version_shown(exc))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Breakdown of {moe.name} {measurement.period} saved.")
                return redirect(reverse("programs:measurement-grid", args=[program.pk]) + f"?fy={measurement.period[2:6]}")
        status = 409 if "stale_changes" in context else 400
    else:
        form = BreakdownForm(categories=categories, current=current, initial={
            "version": measurement.version, "value": plain_decimal(measurement.value), "breakdown_partial": measurement.breakdown_partial,
        })
    context["form"] = form
    return render(request, "programs/measurement_breakdown.html", context, status=status)

"""Planner pages: scenario list, build / edit, result (with solve and XLSX export), compare."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from programs import permissions
from programs.fiscal import current_fiscal_year
from programs.forms.change_fields import version_int
from infrastructure.versioning import StaleVersionError
from infrastructure.form_errors import apply_service_errors, stale_version_shown
from programs.views.refusals import forbidden_page

from . import selectors, services
from .exports import scenario_workbook
from .forms import CompareForm, ScenarioForm
from .models import Scenario


def scenario_list(request: HttpRequest) -> HttpResponse:
    return render(request, "allocation/scenario_list.html", {
        "scenarios": selectors.scenario_list(), "compare_form": CompareForm(),
        "can_plan": permissions.is_manager(request.user),
    })


def _entries(form: ScenarioForm) -> dict:
    data = form.cleaned_data
    return {name: data[name] for name in ("fiscal_year", "name", "ceiling_multiple", "envelopes", "minimums",
                                          "ceilings", "restrictions")}


@forbidden_page
def scenario_create(request: HttpRequest) -> HttpResponse:
    services.scenario_create_check(request.user)
    form = ScenarioForm(request.POST or None, initial={"fiscal_year": current_fiscal_year() + 1})
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(user=request.user, **_entries(form))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Scenario '{scenario.name}' saved. Solve it to see the allocation.")
            return redirect("allocation:scenario-detail", pk=scenario.pk)
    return _form_page(request, form, None, {}, status=400 if request.method == "POST" else 200)


@forbidden_page
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    services.scenario_update_check(request.user)
    scenario = get_object_or_404(Scenario, pk=pk)
    stale: dict = {}
    if request.method == "POST":
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                services.scenario_update(user=request.user, scenario=scenario,
                                         version=form.cleaned_data["version"], **_entries(form))
            except StaleVersionError as exc:
                stale = stale_version_shown(exc, form)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Scenario saved. Solve it again to see the new allocation.")
                return redirect("allocation:scenario-detail", pk=scenario.pk)
        status = 409 if stale else 400
    else:
        form = ScenarioForm(initial=ScenarioForm.initial_for(selectors.scenario_get(pk=pk)))
        status = 200
    return _form_page(request, form, scenario, stale, status=status)


def _form_page(request: HttpRequest, form: ScenarioForm, scenario: Scenario | None, stale: dict, *,
               status: int) -> HttpResponse:
    """The scenario form; ``status`` as on every form page: 400 for a refused post, 409
    for a stale one (the changes since shown), 200 otherwise."""
    return render(request, "allocation/scenario_form.html", {
        "form": form, "scenario": scenario, "accounts": selectors.accounts_in_use(), **stale,
    }, status=status)


def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Inputs, the stored result and its reasons; ``?export=xlsx`` downloads the workbook."""
    try:
        scenario = selectors.scenario_get(pk=pk)
    except Scenario.DoesNotExist:
        raise Http404("No such scenario.") from None
    if request.GET.get("export") == "xlsx":
        return scenario_workbook(scenario)
    return render(request, "allocation/scenario_detail.html", {
        "scenario": scenario,
        "envelopes": list(scenario.envelopes.all()),
        "outcomes": list(selectors.scenario_outcomes(scenario)),
        "lines": list(selectors.scenario_lines(scenario)),
        "reasons": [r for r in scenario.infeasibility.splitlines() if r],
        "can_plan": permissions.is_manager(request.user),
    })


@require_POST
@forbidden_page
def scenario_solve(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    try:
        result = services.scenario_solve(user=request.user, scenario=scenario,
                                         version=version_int(request.POST.get("version")))
    except StaleVersionError as stale:
        messages.error(request, str(stale))
    else:
        if result.feasible:
            messages.success(request, "Solved: the allocation below is the best the envelopes allow.")
        else:
            messages.error(request, "No allocation meets every floor: see why below.")
    return redirect("allocation:scenario-detail", pk=pk)


def scenario_compare(request: HttpRequest) -> HttpResponse:
    """Two scenarios' country totals beside the current plan of the first one's year; an
    invalid choice is the form's error, answered 400 (as the reports' filters)."""
    form = CompareForm(request.GET or None)
    context: dict = {"form": form}
    if form.is_valid():
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        context.update(first=first, second=second, rows=selectors.scenarios_compare([first, second]),
                       accounts=selectors.accounts_compare([first, second]))
    return render(request, "allocation/scenario_compare.html", context, status=400 if form.errors else 200)

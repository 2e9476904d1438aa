"""Assessment pages: list, create, edit, detail with the workflow actions, compare."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from programs import permissions
from programs.selectors.history import history_entries
from programs.models import Country
from programs.forms.change_fields import version_int
from programs.filters import filter_matching
from programs.views.paging import paginate
from programs.views.refusals import forbidden_page
from infrastructure.versioning import StaleVersionError

from .. import selectors, services
from ..filters import AssessmentFilter
from ..forms import AssessmentForm, ReturnForm, criterion_forms
from ..models import CountryAssessment
from infrastructure.form_errors import apply_service_errors, stale_version_shown

from .form_errors import criterion_error_route


def assessment_list(request: HttpRequest) -> HttpResponse:
    filterset = AssessmentFilter(request.GET or None, queryset=selectors.assessment_list())
    page = paginate(request, filter_matching(filterset))
    return render(
        request,
        "assessments/assessment_list.html",
        {"filter": filterset, "page": page,
         "can_create": permissions.can_keep_records(request.user)},
    )


def _criterion_inputs(forms_) -> dict:
    return {
        f.criterion.code: {
            "score": f.cleaned_data.get("score"),
            "justification": f.cleaned_data.get("justification", ""),
            "evidence_url": f.cleaned_data.get("evidence_url", ""),
        }
        for f in forms_
    }


@forbidden_page(template="assessments/forbidden.html")
def assessment_create(request: HttpRequest) -> HttpResponse:
    permissions.require(
        permissions.can_keep_records(request.user),
        "Only analysts and managers may write assessments.",
    )
    framework = selectors.framework_current()
    if framework is None:
        raise Http404("No current assessment framework.")
    criteria = list(framework.criteria.all())
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        forms_ = criterion_forms(criteria, request.POST)
        if form.is_valid() & all([f.is_valid() for f in forms_]):
            try:
                assessment = services.assessment_create(
                    user=request.user,
                    country=form.cleaned_data["country"],
                    assessed_on=form.cleaned_data["assessed_on"],
                    summary=form.cleaned_data["summary"],
                    evidence_links=form.cleaned_data["evidence_links"],
                    criterion_scores=_criterion_inputs(forms_),
                    framework=framework,
                )
            except ValidationError as error:
                apply_service_errors(form, error, route=criterion_error_route(forms_))
            else:
                messages.success(request, f"Draft assessment of {assessment.country} saved.")
                return redirect("assessments:assessment-detail", pk=assessment.pk)
    else:
        initial = {}
        iso3 = request.GET.get("country")
        if iso3:
            initial["country"] = Country.objects.filter(iso3=iso3.upper()).first()
        form = AssessmentForm(initial=initial)
        forms_ = criterion_forms(criteria)
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "criterion_forms": forms_, "framework": framework, "assessment": None},
    )


@forbidden_page(template="assessments/forbidden.html")
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(selectors.assessment_list(), pk=pk)
    criteria = list(assessment.framework.criteria.all())
    stale: dict = {}
    if request.method == "POST":
        form = AssessmentForm(request.POST, editing=True)
        forms_ = criterion_forms(criteria, request.POST)
        if form.is_valid() & all([f.is_valid() for f in forms_]):
            try:
                services.assessment_update(
                    user=request.user,
                    assessment=assessment,
                    version=form.cleaned_data["version"],
                    assessed_on=form.cleaned_data["assessed_on"],
                    summary=form.cleaned_data["summary"],
                    evidence_links=form.cleaned_data["evidence_links"],
                    criterion_scores=_criterion_inputs(forms_),
                )
            except StaleVersionError as exc:
                stale = stale_version_shown(exc, form)
            except ValidationError as error:
                apply_service_errors(form, error, route=criterion_error_route(forms_))
            else:
                messages.success(request, "Assessment saved.")
                return redirect("assessments:assessment-detail", pk=assessment.pk)
    else:
        form = AssessmentForm(
            initial={
                "assessed_on": assessment.assessed_on,
                "summary": assessment.summary,
                "evidence_links": assessment.evidence_links,
                "version": assessment.version,
            },
            editing=True,
        )
        scores = {
            s.criterion_id: {"score": s.score, "justification": s.justification, "evidence_url": s.evidence_url}
            for s in assessment.scores.all()
        }
        forms_ = criterion_forms(criteria, initial_scores=scores)
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "criterion_forms": forms_, "framework": assessment.framework, "assessment": assessment,
         **stale},
        status=409 if stale else 200,
    )


def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        assessment = selectors.assessment_get(pk=pk)
    except CountryAssessment.DoesNotExist:
        raise Http404("No such assessment.") from None
    user = request.user
    is_manager = permissions.is_manager(user)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "scores": list(assessment.scores.all()),
            "can_edit": assessment.is_editable and (assessment.created_by_id == user.id or is_manager),
            "can_decide": is_manager and assessment.status == "submitted" and assessment.created_by_id != user.id,
            "return_form": ReturnForm(),
            "history": history_entries(assessment.history.all(), title="Assessment", link=None),
        },
    )


def _transition(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    """Run ``action(assessment, version)`` with the version the page showed (the forms post
    it), so that nobody submits, approves or returns a version they have not seen."""
    assessment = get_object_or_404(CountryAssessment, pk=pk)
    try:
        action(assessment, version_int(request.POST.get("version")))
    except StaleVersionError as stale:
        messages.error(request, str(stale))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("assessments:assessment-detail", pk=pk)


@require_POST
@forbidden_page(template="assessments/forbidden.html")
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, lambda a, v: services.assessment_submit(user=request.user, assessment=a, version=v),
        "Assessment submitted for approval.",
    )


@require_POST
@forbidden_page(template="assessments/forbidden.html")
def assessment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(
        request, pk, lambda a, v: services.assessment_approve(user=request.user, assessment=a, version=v),
        "Assessment approved; the country's selectivity score is being recomputed.",
    )


@require_POST
@forbidden_page(template="assessments/forbidden.html")
def assessment_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    reason = form.data.get("reason", "")
    return _transition(
        request, pk, lambda a, v: services.assessment_return(user=request.user, assessment=a, reason=reason, version=v),
        "Assessment returned for revision.",
    )


def assessment_compare(request: HttpRequest) -> HttpResponse:
    """Two assessments side by side, criterion by criterion (matched by criterion code)."""
    try:
        ids = [int(request.GET["a"]), int(request.GET["b"])]
    except (KeyError, ValueError):
        messages.error(request, "Choose two assessments to compare.")
        return redirect("assessments:assessment-list")
    found = {a.pk: a for a in selectors.assessments_with_scores(ids=ids)}
    if len(found) != len(set(ids)):
        raise Http404("No such assessment.")
    left, right = found[ids[0]], found[ids[1]]
    right_scores = {s.criterion.code: s for s in right.scores.all()}
    rows, seen = [], set()
    for score in left.scores.all():
        other = right_scores.get(score.criterion.code)
        seen.add(score.criterion.code)
        rows.append({"name": score.criterion.name, "left": score, "right": other,
                     "delta": (other.score - score.score) if other else None})
    for code, other in right_scores.items():
        if code not in seen:
            rows.append({"name": other.criterion.name, "left": None, "right": other, "delta": None})
    return render(request, "assessments/assessment_compare.html", {"left": left, "right": right, "rows": rows})

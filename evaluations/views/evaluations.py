"""Evaluation pages: list, record, detail with recommendations, overdue list, priority."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from infrastructure.versioning import StaleVersionError
from programs.forms.change_fields import version_int
from programs.views.refusals import forbidden_page
from infrastructure.form_errors import apply_service_errors
from programs.views.paging import paginate

from ..forms import EvaluationForm, FollowUpForm, RecommendationForm
from ..models import Evaluation, EvaluationType, Recommendation
from ..selectors.evaluations import (
    evaluation_detail,
    evaluation_list,
    evaluation_priority_ranking,
    overdue_recommendations,
)
from ..services.evaluations import evaluation_create, recommendation_create, recommendation_follow_up


def evaluation_list_page(request: HttpRequest) -> HttpResponse:
    evaluation_type = request.GET.get("type", "")
    page = paginate(request, evaluation_list(evaluation_type=evaluation_type))
    return render(request, "evaluations/evaluation_list.html", {
        "page": page, "types": EvaluationType.choices, "evaluation_type": evaluation_type,
        "overdue_count": overdue_recommendations().count(),
    })


@forbidden_page
def evaluation_create_page(request: HttpRequest) -> HttpResponse:
    form = EvaluationForm(request.POST or None, initial={"program": request.GET.get("program")})
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluation_create(
                user=request.user, program=form.cleaned_data["program"], data=form.service_data(),
                documents=form.cleaned_data["documents"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Evaluation “{evaluation.title}” recorded.")
            return redirect("evaluations:evaluation-detail", pk=evaluation.pk)
    return render(request, "evaluations/evaluation_form.html", {"form": form})


@forbidden_page
def evaluation_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        evaluation = evaluation_detail(pk)
    except Evaluation.DoesNotExist as exc:
        raise Http404("No such evaluation.") from exc
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recommendation_create(user=request.user, evaluation=evaluation, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recommendation added.")
            return redirect("evaluations:evaluation-detail", pk=pk)
    return render(request, "evaluations/evaluation_detail.html", {
        "evaluation": evaluation, "form": form, "follow_up_form": FollowUpForm(),
    })


@require_POST
@forbidden_page
def recommendation_follow_up_page(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation, pk=pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            recommendation_follow_up(user=request.user, recommendation=recommendation,
                                     status=form.cleaned_data["status"], note=form.cleaned_data["note"],
                                     version=version_int(form.cleaned_data["version"]))
        except StaleVersionError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Follow-up recorded.")
    else:
        messages.error(request, "Choose a follow-up status.")
    return redirect("evaluations:evaluation-detail", pk=recommendation.evaluation_id)


def overdue_page(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/overdue.html", {"page": paginate(request, overdue_recommendations())})


def priority_page(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluations/priority.html", {"ranking": evaluation_priority_ranking(limit=100)})

"""The review queue and the annual planning worksheet (managers decide reviews here);
their rows come from ``dashboards.selectors.reviews``."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from evaluations.forms import ReviewDecisionForm
from evaluations.selectors.reviews import cycle_reviews, pending_reviews
from programs import permissions
from programs.fiscal import current_fiscal_year
from programs.models import PlanningCycle, ProgramReview
from programs.services.reviews import planning_cycle_open, review_decide
from programs.views.refusals import forbidden_page

from ..selectors.reviews import review_rows

def _decide(request: HttpRequest) -> ReviewDecisionForm:
    """Handle a decision POST; returns the bound form (with errors if refused)."""
    form = ReviewDecisionForm(request.POST)
    if form.is_valid():
        review = get_object_or_404(ProgramReview, pk=form.cleaned_data["review"])
        try:
            review = review_decide(user=request.user, review=review, decision=form.cleaned_data["decision"],
                                   rationale=form.cleaned_data["rationale"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"{review.program.code}: {message}")
        else:
            messages.success(request, f"{review.program.code}: decision “{review.get_decision_display()}” recorded.")
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{field.capitalize()}: {error}")
    return form


@forbidden_page
def review_queue(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _decide(request)
        return redirect("dashboards:review-queue")
    reviews = list(pending_reviews())
    return render(request, "dashboards/reviews/review_queue.html", {
        "rows": review_rows(reviews), "can_decide": permissions.is_manager(request.user),
    })


@forbidden_page
def planning_worksheet(request: HttpRequest) -> HttpResponse:
    try:
        fiscal_year = int(request.GET.get("fy") or request.POST.get("fy") or current_fiscal_year())
    except ValueError:
        fiscal_year = current_fiscal_year()
    fiscal_year = min(max(fiscal_year, 1990), 2100)
    url = reverse("dashboards:planning-worksheet") + f"?fy={fiscal_year}"
    if request.method == "POST":
        if request.POST.get("action") == "open":
            try:
                planning_cycle_open(user=request.user, fiscal_year=fiscal_year)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, f"FY{fiscal_year} planning cycle open: every program has a review row.")
        else:
            _decide(request)
        return redirect(url)
    cycle = PlanningCycle.objects.filter(fiscal_year=fiscal_year).first()
    reviews = list(cycle_reviews(cycle)) if cycle else []
    return render(request, "dashboards/reviews/planning_worksheet.html", {
        "fiscal_year": fiscal_year, "cycle": cycle, "rows": review_rows(reviews),
        "can_decide": permissions.is_manager(request.user),
        "decided": sum(1 for r in reviews if not r.is_pending),
    })

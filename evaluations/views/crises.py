"""Crisis events: list, record (puts programs under review), close."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from programs import permissions
from programs.models import CrisisEvent
from programs.services.reviews import crisis_event_close, crisis_event_record
from programs.views.refusals import forbidden_page
from infrastructure.form_errors import apply_service_errors
from programs.views.paging import paginate

from ..forms import CrisisCloseForm, CrisisEventForm


@forbidden_page
def crisis_list_page(request: HttpRequest) -> HttpResponse:
    form = CrisisEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            crisis = crisis_event_record(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            count = crisis.reviews.count()
            messages.success(request, f"Crisis recorded; {count} program(s) of {crisis.country.name} are now under review.")
            return redirect("dashboards:review-queue")
    crises = CrisisEvent.objects.select_related("country", "recorded_by").order_by("closed_on", "-occurred_on", "-id")
    return render(request, "evaluations/crisis_list.html", {
        "form": form, "page": paginate(request, crises), "close_form": CrisisCloseForm(),
        "can_record": permissions.is_manager(request.user),
    })


@require_POST
@forbidden_page
def crisis_close_page(request: HttpRequest, pk: int) -> HttpResponse:
    crisis = get_object_or_404(CrisisEvent, pk=pk)
    form = CrisisCloseForm(request.POST)
    if form.is_valid():
        try:
            crisis_event_close(user=request.user, crisis=crisis, closed_on=form.cleaned_data["closed_on"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Crisis “{crisis.title}” closed.")
    else:
        messages.error(request, "Closed on: enter a date.")
    return redirect("evaluations:crisis-list")

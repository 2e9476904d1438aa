"""Coordination checks page and acknowledging a finding."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from programs.views.refusals import forbidden_page

from ..forms import AcknowledgeForm
from ..selectors.coordination import coordination_findings
from ..services.coordination import finding_acknowledge


def coordination_page(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    return render(request, "evaluations/coordination.html", {
        "sections": coordination_findings(include_acknowledged=show_all), "show_all": show_all,
    })


@require_POST
@forbidden_page
def acknowledge_page(request: HttpRequest) -> HttpResponse:
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a note to acknowledge a finding.")
    else:
        try:
            finding_acknowledge(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Finding acknowledged; it shows again if its data changes.")
    return redirect(reverse("evaluations:coordination") + f"#{form.data.get('check_name', '')}")

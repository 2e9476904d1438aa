"""Coordination findings: filtered (country, agency, kind), paginated, acknowledged one
by one or in bulk with one note."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from programs.views.paging import paginate, query_without
from programs.views.refusals import forbidden_page

from ..forms import AcknowledgeForm, FindingFilterForm
from ..selectors.coordination import findings_filtered
from ..services.coordination import finding_acknowledge, findings_acknowledge

PAGE_SIZE = 25


def _filtered(request: HttpRequest) -> tuple[FindingFilterForm, list]:
    form = FindingFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    rows = findings_filtered(country=data.get("country", ""), agency=data.get("agency", ""), kind=data.get("kind", ""),
                             include_acknowledged=request.GET.get("show") == "all")
    return form, rows


def coordination_page(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    page = paginate(request, rows, per_page=PAGE_SIZE)
    return render(request, "evaluations/coordination.html", {
        "filter_form": form, "page": page, "show_all": request.GET.get("show") == "all",
        "open_count": sum(1 for r in rows if r.finding.acknowledgement is None),
        "query": query_without(request, "page"),
    })


@require_POST
@forbidden_page
def acknowledge_page(request: HttpRequest) -> HttpResponse:
    """One finding (``check_name``, ``fingerprint``), the selected ones (``findings``:
    "check:fingerprint"), or with scope "all" every open finding the filter in the query
    string matches; one note for all."""
    back = reverse("evaluations:coordination") + (f"?{request.GET.urlencode()}" if request.GET else "")
    note = request.POST.get("note", "")
    try:
        if "check_name" in request.POST:
            form = AcknowledgeForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Write a note to acknowledge a finding.")
            finding_acknowledge(user=request.user, **form.cleaned_data)
            count = 1
        else:
            if request.POST.get("scope") == "all":
                pairs = [(r.check, r.finding.fingerprint) for r in _filtered(request)[1] if r.finding.acknowledgement is None]
            else:
                pairs = [tuple(v.split(":", 1)) for v in request.POST.getlist("findings") if ":" in v]
            count = findings_acknowledge(user=request.user, findings=pairs, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{count} finding{'s' if count != 1 else ''} acknowledged; "
                                  f"{'it shows' if count == 1 else 'each shows'} again if its data changes.")
    return redirect(back)

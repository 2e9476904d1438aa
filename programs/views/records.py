"""Pages of the other records analysts keep, one set of views driven by a registry:
list (filters, search, pages, export), create, edit, archive/restore and history."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import filters, permissions
from infrastructure.exports import export_response
from ..forms import records as record_forms
from ..selectors import records as selectors
from ..selectors.history import history_entries
from infrastructure.versioning import StaleVersionError
from ..forms.change_fields import version_int
from ..forms.pickers import picker_results
from ..services.records import record_archive, record_create, record_restore, record_update
from infrastructure.form_errors import apply_service_errors, stale_version_shown
from .paging import paginate, query_without
from .refusals import forbidden_page


@dataclass(frozen=True)
class RecordKind:
    """How one kind of record is listed, filtered, edited and exported."""

    slug: str
    title: str
    singular: str
    queryset: Callable[[], models.QuerySet]
    filterset: type
    form: type
    columns: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def model(self) -> type[models.Model]:
        return self.form._meta.model

    @property
    def archivable(self) -> bool:
        return hasattr(self.model, "archived_at")


KINDS: dict[str, RecordKind] = {
    kind.slug: kind
    for kind in [
        RecordKind(
            "institutions", "Partner institutions", "partner institution",
            selectors.partner_institutions, filters.PartnerInstitutionFilter, record_forms.PartnerInstitutionForm,
            [("Name", "name"), ("Country", "country.name"), ("Type", lambda r: r.get_institution_type_display()),
             ("Nature", lambda r: r.get_nature_display()), ("Level", lambda r: r.get_level_display()),
             ("Programs", "program_count")],
        ),
        RecordKind(
            "implementing-partners", "Implementing partners", "implementing partner",
            selectors.implementing_partners, filters.ImplementingPartnerFilter, record_forms.ImplementingPartnerForm,
            [("Name", "name"), ("Kind", lambda r: r.get_kind_display()), ("Programs", "program_count")],
        ),
        RecordKind(
            "vetting", "Vetting", "vetting record",
            selectors.vettings, filters.VettingFilter, record_forms.VettingForm,
            [("Institution", "institution.name"), ("Country", "institution.country.iso3"), ("Unit", "unit_name"),
             ("Status", lambda r: r.get_status_display()), ("Requested", "requested_on"),
             ("Decided", "decided_on"), ("Expires", "expires_on"), ("Reference", "reference")],
        ),
        RecordKind(
            "donor-engagements", "Donor engagements", "donor engagement",
            selectors.donor_engagements, filters.DonorEngagementFilter, record_forms.DonorEngagementForm,
            [("Donor", "donor.name"), ("Country", "country.name"), ("Sector", "sector.dac_code"),
             ("Start FY", "start_fy"), ("End FY", "end_fy"), ("Amount (USD)", "amount_usd")],
        ),
        RecordKind(
            "strategies", "Strategies", "strategy",
            selectors.strategies, filters.StrategyFilter, record_forms.StrategyForm,
            [("Title", "title"), ("Scope", lambda r: r.get_scope_display()),
             ("Country or region", lambda r: r.country or r.region), ("Start FY", "start_fy"),
             ("End FY", "end_fy"), ("Objectives", "objective_count")],
        ),
        RecordKind(
            "objectives", "Objectives", "objective",
            selectors.objectives, filters.ObjectiveFilter, record_forms.ObjectiveForm,
            [("Strategy", "strategy.title"), ("Code", "code"), ("Description", "description"),
             ("Goals", lambda r: [g.code for g in r.goals.all()]), ("Measure", "measure")],
        ),
    ]
}


def _kind(slug: str) -> RecordKind:
    try:
        return KINDS[slug]
    except KeyError as exc:
        raise Http404("No such kind of record.") from exc


def _may_edit(user) -> bool:
    return permissions.can_keep_records(user)


def record_index(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/record_index.html", {"kinds": KINDS.values()})


@require_GET
def institution_pick(request: HttpRequest) -> JsonResponse:
    """The partner institution picker's search (``q``: text in "name (ISO3)", any case): at
    most ``PICKER_RESULTS`` pickable institutions, by name, as ``{"results": [{"value":
    "name (ISO3)", "label": "name (ISO3)"}]}``; signed-in users only (the login middleware)."""
    labels = [selectors.institution_label(name, iso3) for name, iso3 in
              selectors.institution_search(request.GET.get("q", "")[:100])]
    return JsonResponse(picker_results([(label, label) for label in labels]))


def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    filterset = spec.filterset(request.GET, queryset=spec.queryset())
    page = paginate(request, filters.filter_matching(filterset))
    rows = [
        {"record": record, "cells": [_cell(record, accessor) for _, accessor in spec.columns]}
        for record in page.object_list
    ]
    return render(
        request,
        "programs/record_list.html",
        {
            "kind": spec,
            "filter": filterset,
            "page": page,
            "rows": rows,
            "headers": [header for header, _ in spec.columns],
            "query": query_without(request, "page"),
            "can_edit": _may_edit(request.user),
        },
    )


def _cell(record, accessor) -> Any:
    from infrastructure.exports import _value

    return _value(record, accessor)


def record_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    spec = _kind(kind)
    filterset = spec.filterset(request.GET, queryset=spec.queryset())
    if refusal := filters.filter_refusal(filterset):
        return refusal
    return export_response(filters.filter_matching(filterset), spec.columns, fmt=fmt, stem=spec.slug)


@forbidden_page
def record_create_page(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    permissions.require(_may_edit(request.user), f"Only analysts and managers may add {spec.title.lower()}.")
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = record_create(user=request.user, model=spec.model, data=form.service_data())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{spec.singular.capitalize()} “{record}” added.")
            return redirect("programs:record-list", kind=spec.slug)
    return render(
        request,
        "programs/record_form.html",
        {"kind": spec, "form": form, "record": None},
        status=400 if request.method == "POST" else 200,
    )


@forbidden_page
def record_edit_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    record = get_object_or_404(spec.model, pk=pk)
    permissions.require(_may_edit(request.user), f"Only analysts and managers may edit {spec.title.lower()}.")
    context: dict = {"kind": spec, "record": record}
    status = 200
    if request.method == "POST":
        form = spec.form(request.POST, instance=spec.model.objects.get(pk=pk))
        if form.is_valid():
            try:
                record_update(
                    user=request.user,
                    record=record,
                    data=form.service_data(),
                    version=version_int(form.cleaned_data.get("version")),
                    rationale_category=form.cleaned_data.get("rationale_category", ""),
                    rationale=form.cleaned_data.get("rationale", ""),
                )
            except StaleVersionError as exc:
                context.update(stale_version_shown(exc, form))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{spec.singular.capitalize()} “{record}” saved.")
                return redirect("programs:record-list", kind=spec.slug)
        status = 409 if "stale_changes" in context else 400
    else:
        form = spec.form(instance=record, initial={"version": record.version})
    context["form"] = form
    return render(request, "programs/record_form.html", context, status=status)


@require_POST
@forbidden_page
def record_archive_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    record = get_object_or_404(spec.model, pk=pk)
    try:
        record_archive(user=request.user, record=record, reason=request.POST.get("reason", "")[:500],
                       version=version_int(request.POST.get("version")))
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{spec.singular.capitalize()} “{record}” archived.")
    return redirect("programs:record-list", kind=spec.slug)


@require_POST
@forbidden_page
def record_restore_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    record = get_object_or_404(spec.model, pk=pk)
    try:
        record_restore(user=request.user, record=record, reason=request.POST.get("reason", "")[:500],
                       version=version_int(request.POST.get("version")))
    except StaleVersionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{spec.singular.capitalize()} “{record}” restored.")
    return redirect(reverse("programs:record-list", kwargs={"kind": spec.slug}) + "?archived=include")


def record_history_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    record = get_object_or_404(spec.model, pk=pk)
    return render(
        request,
        "programs/history.html",
        {
            "record": record,
            "entries": history_entries(record.history.all(), title=spec.singular.capitalize(), link=lambda row: reverse(
                "programs:record-edit", kwargs={"kind": spec.slug, "pk": row.id})),
            "back_url": reverse("programs:record-list", kwargs={"kind": spec.slug}),
        },
    )

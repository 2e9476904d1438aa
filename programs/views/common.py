"""Shared steps of the programs pages: 403 pages, service errors onto forms, pagination."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAGE_SIZE = 25


def forbidden_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render a readable 403 page when a permission check (in the view or a service) refuses."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "programs/forbidden.html", {"reason": str(exc)}, status=403)

    return wrapper


def apply_service_errors(form: forms.BaseForm, error: ValidationError, *, formsets: dict | None = None) -> None:
    """Put a service's ValidationError on the form: field keys on their fields, other keys
    (e.g. "funding") on the matching formset's non-form errors or as named form errors."""
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        elif field in formsets:
            formsets[field]._non_form_errors = formsets[field].error_class(
                list(formsets[field].non_form_errors()) + list(errors)
            )
        elif field == "__all__":
            form.add_error(None, errors)
        else:
            label = field.replace("_", " ").capitalize()
            form.add_error(None, [f"{label}: {message}" for message in errors])


def paginate(request: HttpRequest, queryset, *, per_page: int = PAGE_SIZE):
    """The requested page (an out-of-range or non-numeric page number gives the nearest)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without(request: HttpRequest, *names: str) -> str:
    """The current query string without ``names`` (for pagination and sort links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()

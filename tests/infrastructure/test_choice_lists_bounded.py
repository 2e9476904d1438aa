"""No form, filter or editable admin page lists a table that grows with the portfolio as
options (programs, partner institutions, MOEs, measurements, users...): such a choice is a
picker (``programs.forms.pickers``), a raw-id or autocomplete admin widget, or a list
narrowed to a bounded set. A new choice list of a table not known to stay small fails here
until someone decides which it is."""
from __future__ import annotations

import importlib
import inspect
import pathlib

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget

pytestmark = pytest.mark.django_db

# Tables that stay small whatever the portfolio's size (reference data and settings: at the
# large size 250 countries, 181 objectives, 52 strategies, 32 implementing partners, 22
# goals and sectors, a few agencies, regions, planning cycles, frameworks and scenarios).
BOUNDED = {
    "programs.Country", "programs.Region", "programs.Agency", "programs.Goal", "programs.Sector",
    "programs.Strategy", "programs.Objective", "programs.ImplementingPartner", "programs.PlanningCycle",
    "programs.OtherDonor", "programs.Office", "programs.RegionalOrganization", "programs.DisaggregationCategory",
    "programs.CrisisEvent", "assessments.AssessmentFramework", "assessments.Criterion", "allocation.Scenario",
    "auth.Group", "auth.Permission", "contenttypes.ContentType",
    # the worker's schedules: one row per schedule the settings configure
    "django_celery_beat.IntervalSchedule", "django_celery_beat.CrontabSchedule",
    "django_celery_beat.SolarSchedule", "django_celery_beat.ClockedSchedule",
}

# Lists of a growing table narrowed to a bounded set by the form itself, and why.
NARROWED = {
    # Only the institutions of the program's chosen countries (~30 a country; 132 for the
    # program with the most at the large size), reloaded as the countries change.
    "programs.forms.programs.ProgramForm.partner_institutions",
}

PICKER_WIDGETS = (ForeignKeyRawIdWidget, ManyToManyRawIdWidget, AutocompleteMixin)


def _project_modules() -> list:
    """Every module of the project's apps whose name says it holds forms or filters."""
    root = pathlib.Path(settings.BASE_DIR)
    modules = []
    for app in apps.get_app_configs():
        path = pathlib.Path(app.path)
        if root not in path.parents or ".venv" in path.parts:
            continue
        for file in sorted(path.rglob("*.py")):
            name = file.relative_to(root).with_suffix("")
            if "migrations" in name.parts or not ({"forms", "filters"} & set(name.parts)
                                                  or "form" in name.name or "filter" in name.name):
                continue
            modules.append(importlib.import_module(".".join(name.parts)))
    return modules


def _listed(model) -> bool:
    return model._meta.label not in BOUNDED


def test_no_form_or_filter_lists_a_table_that_grows():
    # Given every form and filter class of the project's apps
    modules = _project_modules()
    assert any(m.__name__ == "programs.forms.records" for m in modules)
    # When each choice field's table is looked at
    unbounded = []
    for module in modules:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            if issubclass(cls, forms.BaseForm):
                querysets = {field: f.queryset for field, f in cls.base_fields.items()
                             if isinstance(f, forms.ModelChoiceField)}
            elif issubclass(cls, django_filters.FilterSet):
                querysets = {field: f.extra["queryset"] for field, f in cls.base_filters.items()
                             if hasattr(f.extra.get("queryset"), "model")}
            else:
                continue
            for field, queryset in querysets.items():
                where = f"{module.__name__}.{name}.{field}"
                if _listed(queryset.model) and where not in NARROWED:
                    unbounded.append(f"{where}: {queryset.model._meta.label}")
    # Then none lists a table that grows (the vetting form's institutions were 6,074 options)
    assert unbounded == []


def test_no_editable_admin_page_lists_a_table_that_grows(rf):
    from programs.models import User

    # Given every admin page a superuser may add or change records on
    request = rf.get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    unbounded, checked = [], 0
    for model, model_admin in admin.site._registry.items():
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue  # a read-only page shows the chosen records only
        form = model_admin.get_form(request)
        for field, f in form.base_fields.items():
            widget = getattr(f.widget, "widget", f.widget)  # inside the related-object wrapper
            if not isinstance(f, forms.ModelChoiceField):
                continue
            checked += 1
            if _listed(f.queryset.model) and not isinstance(widget, PICKER_WIDGETS):
                unbounded.append(f"{model._meta.label}.{field}: {f.queryset.model._meta.label}")
    # Then none lists a table that grows as options (a one-time-password device names its
    # user by id)
    assert checked > 5 and unbounded == []

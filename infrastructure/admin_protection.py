"""Django admin without a second write path (docs/security.md, "Django admin").

Domain records are written only through the services, which check versions, archives,
permissions and four eyes, record the rationale and schedule recomputes; the admin shows
them read-only. Reference data and settings that administrators maintain in the admin
(regions, countries, agencies, frameworks, the sign-in policy, role mappings, users) are
saved through a service (:class:`ServiceSaveAdminMixin`), which applies their rules, names
the administrator and the changed fields in the history, and tells the apps that depend on
them. Nothing is hard-deleted from the admin: the one way is the logged administrator
purge (``manage.py purge_record``, infrastructure.purge).
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .forms import digits_checked
from .saving import validated_save

AdminSave = Callable[..., models.Model]  # (*, user, record, changed: Collection[str]) -> the saved record


def admin_record_save(*, user: Any, record: models.Model, changed: Collection[str]) -> models.Model:
    """The service for reference data with no rule beyond its fields: validate, save, and
    record the administrator and the changed fields in its history."""
    return validated_save(record, user=user, rationale=admin_change_reason(record, changed))


def admin_change_reason(record: models.Model, changed: Collection[str]) -> str:
    """"added in the admin" or "changed in the admin: name, members" (history's reason)."""
    if record.pk is None or record._state.adding:
        return "added in the admin"
    return f"changed in the admin: {', '.join(changed) or 'nothing'}"


class DigitsCheckedAdminMixin:
    """The admin's forms, and its inlines' forms, refuse digits other than 0-9 in number,
    date and record-choice fields, as every form of the portal (``infrastructure.forms``)."""

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        return digits_checked(super().get_form(request, obj, change=change, **kwargs))

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = digits_checked(formset.form)
        return formset


class NoDeleteAdminMixin:
    """No delete view, no "delete selected" action, no delete in inlines."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdminMixin(NoDeleteAdminMixin):
    """Viewable only: no add, no change (every field read-only), no delete. Simple-history's
    "revert" pages go through the change permission and are refused too."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class ServiceSaveAdminMixin(DigitsCheckedAdminMixin, NoDeleteAdminMixin):
    """Add and change forms save through ``save_service`` (a service function taking
    ``user``, ``record`` and the names of the ``changed`` fields), and inline rows through
    ``inline_save_service``: the admin applies the same rules and side effects as every
    other path. Fields that the rules reserve to another path are read-only in the admin
    (a country's priority tier follows the managers' tier decisions), so a valid form is
    never refused by its service."""

    save_service: AdminSave = staticmethod(admin_record_save)
    inline_save_service: AdminSave = staticmethod(admin_record_save)

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        type(self).save_service(user=request.user, record=obj, changed=list(form.changed_data))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        changed = {id(f.instance): list(f.changed_data) for f in formset.forms}
        for instance in formset.save(commit=False):
            type(self).inline_save_service(user=request.user, record=instance, changed=changed.get(id(instance), []))
        for instance in formset.deleted_objects:  # only where the inline allows it (a draft's rows)
            instance._history_user = request.user
            instance.delete()
        formset.save_m2m()


class SingleRowAdminMixin:
    """A one-row settings model (``infrastructure.models.SingleRow``): added once, when it
    has no row yet, then only changed."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.model.objects.exists()

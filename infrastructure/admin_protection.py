"""Django admin without a second write path (docs/security.md, "Django admin").

Domain records are written only through the services, which check versions, archives,
permissions and four eyes, record the rationale and schedule recomputes; the admin shows
them read-only. Reference data that administrators maintain in the admin may be added and
changed, never deleted. Nothing is hard-deleted from the admin: the one way is the logged
administrator purge (``manage.py purge_record``, infrastructure.purge).
"""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


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

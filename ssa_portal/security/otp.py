"""Who must use a second factor (TOTP, django-otp): administrators (group Administrator,
or superusers). Others may enrol too; then their sign-in asks for the code as well."""
from __future__ import annotations

from django.apps import apps

from programs.permissions import is_administrator


def otp_enabled() -> bool:
    return apps.is_installed("django_otp")


def otp_required_for(user) -> bool:
    """Whether ``user`` must verify a TOTP code before any portal or admin page."""
    return otp_enabled() and bool(getattr(user, "is_authenticated", False)) and is_administrator(user)

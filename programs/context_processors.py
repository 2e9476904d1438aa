from django.conf import settings
from django.http import HttpRequest

from . import permissions


def portal_roles(request: HttpRequest) -> dict:
    """Role flags for navigation and buttons (the services still check every write)."""
    user = request.user
    return {
        "is_manager": permissions.is_manager(user),
        "is_administrator": permissions.is_administrator(user),
        "role_names": permissions.role_names(user),
        "display_time_zone": settings.DISPLAY_TIME_ZONE,
    }

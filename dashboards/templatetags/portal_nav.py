"""Main navigation: the portal's sections, in order, each shown once its page exists and
to the users it is for."""
from __future__ import annotations

from typing import Callable

from django import template
from django.urls import NoReverseMatch, reverse

from api.tokens import may_hold_api_token
from programs import permissions

register = template.Library()


def may_use_django_admin(user) -> bool:
    """The Django admin lets in active staff users (administrators, docs/access-control.md)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


# (label, url name, who sees it: None for everyone). A section whose URL is not installed
# yet is simply not shown. Managers-only sections may still be opened by others (analysts
# read scenarios); they are left out of their navigation.
SECTIONS: list[tuple[str, str, Callable | None]] = [
    ("Portfolio", "dashboards:portfolio", None),
    ("Countries", "dashboards:country-list", None),
    ("Programs", "programs:program-list", None),
    ("Assessments", "assessments:assessment-list", None),
    ("Selectivity", "assessments:ranking", None),
    ("Evaluations", "evaluations:evaluation-list", None),
    ("Reviews", "dashboards:review-queue", None),
    ("Allocation", "allocation:scenario-list", permissions.is_manager),
    ("Coordination", "evaluations:coordination", None),
    ("Import", "importing:upload", None),
    ("API", "api-docs", None),
    ("API tokens", "api-tokens:list", may_hold_api_token),
    ("Dormant accounts", "dormant-accounts", permissions.is_administrator),
    ("Django admin", "admin:index", may_use_django_admin),
]


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict]:
    request = context.get("request")
    path = request.path if request else ""
    user = getattr(request, "user", None)
    links = []
    for label, name, allowed in SECTIONS:
        if allowed is not None and not allowed(user):
            continue
        try:
            links.append({"label": label, "url": reverse(name), "current": False})
        except NoReverseMatch:
            continue
    # Only the longest matching prefix is current (/assessments/selectivity/ is not /assessments/).
    matching = [link for link in links if path.startswith(link["url"])]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["current"] = True
    return links

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


def _visible_links(entries, user) -> list[dict]:
    """The (label, url name, who sees it) entries this user sees, as links; a URL name
    that does not reverse (an app not installed) is left out."""
    links = []
    for label, name, allowed in entries:
        if allowed is not None and not allowed(user):
            continue
        try:
            links.append({"label": label, "url": reverse(name), "current": False})
        except NoReverseMatch:
            continue
    return links


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict]:
    request = context.get("request")
    path = request.path if request else ""
    user = getattr(request, "user", None)
    links = _visible_links(SECTIONS, user)
    # Only the longest matching prefix is current (/assessments/selectivity/ is not /assessments/).
    matching = [link for link in links if path.startswith(link["url"])]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["current"] = True
    return links


# Sections with several pages get a side navigation (USWDS usa-sidenav) listing them:
# (heading, [(label, url name, who sees it)]). The group shown is the one holding the
# page whose URL is the longest prefix of the current path; a page in no group (home,
# allocation) has no side navigation.
SIDE_NAVIGATION: list[tuple[str, list[tuple[str, str, Callable | None]]]] = [
    ("Dashboards", [
        ("Portfolio", "dashboards:portfolio", None),
        ("Countries", "dashboards:country-list", None),
        ("Goal coverage", "dashboards:goal-coverage", None),
        ("Results framework", "reports:results-framework", None),
    ]),
    ("Programs", [
        ("Programs", "programs:program-list", None),
        ("Approvals queue", "programs:approvals", permissions.is_manager),
        ("Other records", "programs:record-index", None),
        ("Import", "importing:upload", None),
    ]),
    ("Assessments", [
        ("Country assessments", "assessments:assessment-list", None),
        ("Selectivity ranking", "assessments:ranking", None),
    ]),
    ("Evaluations and reviews", [
        ("Evaluations", "evaluations:evaluation-list", None),
        ("Overdue recommendations", "evaluations:overdue", None),
        ("Evaluation priority", "evaluations:priority", None),
        ("Target vs actual", "evaluations:target-vs-actual", None),
        ("Rollups", "evaluations:rollups", None),
        ("Coordination", "evaluations:coordination", None),
        ("Crisis events", "evaluations:crisis-list", None),
        ("Review queue", "dashboards:review-queue", None),
        ("Planning worksheet", "dashboards:planning-worksheet", None),
    ]),
    ("API", [
        ("API documentation", "api-docs", None),
        ("API tokens", "api-tokens:list", may_hold_api_token),
    ]),
]


@register.simple_tag(takes_context=True)
def side_navigation(context) -> dict | None:
    """The side navigation of the current page's section: ``{"heading": "Programs",
    "links": [{"label", "url", "current"}]}``, or None when the page is in no section
    or its section shows the user a single page."""
    request = context.get("request")
    if request is None:
        return None
    user = getattr(request, "user", None)
    best: tuple[int, dict] | None = None
    for heading, pages in SIDE_NAVIGATION:
        links = _visible_links(pages, user)
        matching = [link for link in links if request.path.startswith(link["url"])]
        if len(links) < 2 or not matching:
            continue
        current = max(matching, key=lambda link: len(link["url"]))
        if best is None or len(current["url"]) > best[0]:
            current["current"] = True
            if best is not None:
                for link in best[1]["links"]:
                    link["current"] = False
            best = (len(current["url"]), {"heading": heading, "links": links})
    return best[1] if best else None

"""Main navigation: the portal's sections, in order, each shown once its page exists."""
from django import template
from django.urls import NoReverseMatch, reverse

from programs import permissions

register = template.Library()

# (label, url name). A section whose URL is not installed yet is simply not shown.
# Sections for managers only (others may still open them: analysts read scenarios).
MANAGER_SECTIONS = {"allocation:scenario-list"}
SECTIONS = [
    ("Portfolio", "dashboards:portfolio"),
    ("Countries", "dashboards:country-list"),
    ("Programs", "programs:program-list"),
    ("Assessments", "assessments:assessment-list"),
    ("Selectivity", "assessments:ranking"),
    ("Evaluations", "evaluations:evaluation-list"),
    ("Reviews", "dashboards:review-queue"),
    ("Allocation", "allocation:scenario-list"),
    ("Coordination", "evaluations:coordination"),
    ("Import", "importing:upload"),
    ("API", "api-docs"),
]


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict]:
    request = context.get("request")
    path = request.path if request else ""
    links = []
    manager = permissions.is_manager(getattr(request, "user", None))
    for label, name in SECTIONS:
        if name in MANAGER_SECTIONS and not manager:
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

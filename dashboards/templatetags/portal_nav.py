"""Main navigation: the portal's sections, in order, each shown once its page exists."""
from django import template
from django.urls import NoReverseMatch, reverse

from api.tokens import may_hold_api_token
register = template.Library()

# (label, url name). A section whose URL is not installed yet is simply not shown.
SECTIONS = [
    ("Portfolio", "dashboards:portfolio"),
    ("Countries", "dashboards:country-list"),
    ("Programs", "programs:program-list"),
    ("Assessments", "assessments:assessment-list"),
    ("Selectivity", "assessments:ranking"),
    ("Evaluations", "evaluations:evaluation-list"),
    ("Reviews", "dashboards:review-queue"),
    ("Coordination", "evaluations:coordination"),
    ("Import", "importing:upload"),
    ("API", "api-docs"),
]
# Sections shown only to the users allowed to use them: (label, url name, who may see it).
RESTRICTED_SECTIONS = [
    ("API tokens", "api-tokens:list", may_hold_api_token),
    ("Django admin", "admin:index", lambda user: may_use_django_admin(user)),
]


def may_use_django_admin(user) -> bool:
    """The Django admin lets in active staff users (administrators, docs/access-control.md)."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict]:
    request = context.get("request")
    path = request.path if request else ""
    links = []
    user = getattr(request, "user", None)
    sections = SECTIONS + [(label, name) for label, name, allowed in RESTRICTED_SECTIONS if allowed(user)]
    for label, name in sections:
        try:
            links.append({"label": label, "url": reverse(name), "current": False})
        except NoReverseMatch:
            continue
    # Only the longest matching prefix is current (/assessments/selectivity/ is not /assessments/).
    matching = [link for link in links if path.startswith(link["url"])]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["current"] = True
    return links

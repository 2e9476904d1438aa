"""Permission refusals on pages: a readable 403 page instead of Django's bare one."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden_page(view: Callable[..., HttpResponse] | None = None, *,
                   template: str = "programs/forbidden.html") -> Callable[..., Any]:
    """Render a readable 403 page (``template``, with ``reason``) when a permission check
    in the view or a service refuses. Use as ``@forbidden_page`` or, for an app's own
    page, ``@forbidden_page(template="assessments/forbidden.html")``."""
    if view is None:
        return lambda decorated: forbidden_page(decorated, template=template)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, template, {"reason": str(exc)}, status=403)

    return wrapper

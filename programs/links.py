"""The program page's address, for any app that links to it (dashboards, reports).

The pattern is reversed once per process and formatted per row: a report of 800 MOEs does
not call ``reverse`` 800 times.
"""
from __future__ import annotations

from functools import lru_cache

from django.urls import reverse

_PLACEHOLDER = "987654321"


@lru_cache(maxsize=1)
def _program_pattern() -> str:
    return reverse("programs:program-detail", kwargs={"pk": _PLACEHOLDER}).replace(_PLACEHOLDER, "{}")


def program_url(program_id: int) -> str:
    """The program page's address (``/programs/<id>/``)."""
    return _program_pattern().format(program_id)

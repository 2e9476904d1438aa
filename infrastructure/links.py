"""Links to the portal from outside a request (e-mails): the one place they are built.

Every link in an e-mail starts with ``settings.PORTAL_BASE_URL``, the portal's address as
its users reach it (``http://127.0.0.1:8000`` by default; ``make start PORT=8001`` sets it
to that port unless it is configured). Never the request's host: an e-mail sent by the
worker has no request, and a ``Host`` header is the client's to choose.
"""
from __future__ import annotations

from django.conf import settings


def portal_base_url() -> str:
    """The configured base, without a trailing slash: ``"https://ssa.example.gov"``."""
    return settings.PORTAL_BASE_URL.rstrip("/")


def portal_url(path: str = "") -> str:
    """The absolute link to ``path`` (a site path such as ``"/notifications/"``, from
    ``reverse``): ``"https://ssa.example.gov/notifications/"``; ``""`` gives the base."""
    return f"{portal_base_url()}{path}"

"""The country and portfolio briefs: one click gives a PDF, made once for its data and
then served from the store (``reports.selectors.stored_briefs``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from dashboards.views.scope_params import country_from_param
from infrastructure.gc_pause import collection_paused

from ..pdf import pdf_from_html
from ..selectors.stored_briefs import stored_brief
from . import brief_pages
from .brief_pages import Brief


def _pdf_response(request: HttpRequest, scope: str, build: Callable[[], Brief], template: str,
                  stem: str) -> HttpResponse:
    base_url = request.build_absolute_uri("/")

    def make() -> tuple[dt.datetime, bytes]:
        # WeasyPrint allocates hundreds of thousands of boxes and style dicts: with the
        # cyclic collector running, its passes over the whole process took about 40 % of
        # a brief (infrastructure.gc_pause; docs/performance.md).
        with collection_paused():
            brief = build()
            html = render_to_string(template, {"brief": brief, "dashboard": brief.dashboard}, request=request)
            return brief.generated_at, pdf_from_html(html, base_url=base_url)

    stored = stored_brief(scope, make, base_url=base_url)
    response = HttpResponse(stored.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{stem}-{stored.generated_at:%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def country_brief(request: HttpRequest, iso3: str) -> HttpResponse:
    """The country brief of ``iso3`` as a PDF (404 for an unknown country)."""
    country = country_from_param(iso3)
    return _pdf_response(request, f"country:{country.id}", lambda: brief_pages.country_brief(country=country),
                         "reports/brief_country.html", f"brief-{country.iso3}")


def portfolio_brief(request: HttpRequest) -> HttpResponse:
    """The portfolio brief as a PDF."""
    return _pdf_response(request, "portfolio", brief_pages.portfolio_brief, "reports/brief_portfolio.html",
                         "brief-portfolio")

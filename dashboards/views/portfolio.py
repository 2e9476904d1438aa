"""The portfolio dashboard."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import charts
from ..maps.colouring import CHOICES, choice_from_param
from ..selectors import maps, overview
from ..tables.base import table_export
from ..tables.links import SCHEME_SLUG_OF, SCHEME_SLUGS
from ..tables.overview import FundingByRegionTable
from .sections import Dashboard, overview_sections
from .table_exports import export_context


def portfolio_page(figures: overview.PortfolioFigures) -> Dashboard:
    """The portfolio's sections: the shared overview and funding by region."""
    dashboard = Dashboard(title="Portfolio")
    overview_sections(dashboard, figures.overview, "")
    dashboard.add(FundingByRegionTable(figures.region_rows, computed_at=figures.regions_computed_at),
                  charts.funding_by_region_chart(figures.region_rows))
    dashboard.extra.update(scheme=figures.scheme, scheme_slug=SCHEME_SLUG_OF[figures.scheme])
    return dashboard


def portfolio(request: HttpRequest, table: str | None = None, export_format: str = "csv") -> HttpResponse:
    scheme = SCHEME_SLUGS.get(request.GET.get("scheme", "bureau"), overview.RegionScheme.STATE_BUREAU)
    figures = overview.portfolio_dashboard(scheme=scheme)
    dashboard = portfolio_page(figures)
    if table is not None:
        return table_export(dashboard.tables, table, export_format=export_format, stem="portfolio")
    return render(request, "dashboards/portfolio.html", {
        "dashboard": dashboard, "generated_at": dashboard.generated_at, **export_context(request),
        "map": maps.portfolio_map(choice=choice_from_param(request.GET.get("map")),
                                  country_funding=figures.overview.country_funding),
        "map_choices": CHOICES.items(),
        "map_keep": [("scheme", dashboard.extra["scheme_slug"])],
    })

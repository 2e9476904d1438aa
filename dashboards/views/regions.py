"""Region dashboards (State bureaus and combatant commands)."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import charts
from ..maps.colouring import CHOICES, choice_from_param
from ..selectors import maps, overview
from ..tables import overview as tables
from ..tables.base import table_export
from ..tables.links import SCHEME_SLUG_OF
from .scope_params import region_from_path
from .sections import Dashboard, overview_sections
from .table_exports import export_context


def region_page(figures: overview.RegionFigures) -> Dashboard:
    """A region's sections: the shared overview, its countries, regional programs,
    regional organizations and strategies."""
    region = figures.region
    slug = SCHEME_SLUG_OF[region.scheme]
    dashboard = Dashboard(title=f"{region.code} {region.name}")
    overview_sections(dashboard, figures.overview, f"?region={slug}:{region.code}")
    window = figures.overview.window
    dashboard.extra.update(region=region, rollup=figures.rollup, scheme_slug=slug, has_programs=figures.has_programs)
    dashboard.add(tables.region_countries_table(figures.countries, window=window,
                                                computed_at=figures.countries_computed_at),
                  charts.region_countries_chart(figures.countries, window))
    dashboard.add(tables.regional_programs_table(figures.programs, computed_at=figures.overview.figures_computed_at,
                                                 shown=overview.REGIONAL_PROGRAMS_SHOWN))
    dashboard.add(tables.RegionalOrganizationsTable(figures.organizations))
    dashboard.add(tables.StrategiesTable(figures.strategies))
    return dashboard


def region(request: HttpRequest, scheme: str, code: str, table: str | None = None,
           export_format: str = "csv") -> HttpResponse:
    region_obj = region_from_path(scheme, code)
    figures = overview.region_dashboard(region=region_obj)
    dashboard = region_page(figures)
    if table is not None:
        return table_export(dashboard.tables, table, export_format=export_format, stem=f"region-{region_obj.code}")
    return render(request, "dashboards/region.html", {
        "dashboard": dashboard, "generated_at": dashboard.generated_at, **export_context(request),
        "map": maps.region_map(region=region_obj, choice=choice_from_param(request.GET.get("map")),
                               country_ids=figures.country_ids, country_funding=figures.overview.country_funding),
        "map_choices": CHOICES.items(),
    })

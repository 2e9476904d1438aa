"""The countries index and the country dashboard."""
from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from programs.filters import filter_refusal
from programs.models import RegionScheme

from .. import charts
from ..selectors import overview
from ..selectors.country import PROGRAMS_SHOWN, CountryFigures, country_dashboard
from ..tables import country as tables
from ..tables.base import table_export
from ..tables.links import region_url, url_or_none
from ..tables.overview import country_index_table
from .scope_params import ScopeQuery, country_from_param, region_choices
from .sections import Dashboard, flag_links
from .table_exports import export_context


def country_list(request: HttpRequest, table: str | None = None, export_format: str = "csv") -> HttpResponse:
    scope = ScopeQuery(request.GET)
    if table is not None and (refusal := filter_refusal(scope)):  # a download answers 400, not an empty file
        return refusal
    tier = scope.value("tier")
    include_all = request.GET.get("all") == "1"
    countries = country_index_table(overview.country_index(region=scope.value("region"), tier=tier, include_all=include_all,
                                                           country_ids=scope.country_ids()))
    if table is not None:
        return table_export({countries.key: countries}, table, export_format=export_format, stem="countries")
    return render(request, "dashboards/country_list.html", {
        "table": countries, "scope": scope, "regions": region_choices(), "selected_region": request.GET.get("region", ""),
        "selected_tier": tier, "include_all": include_all, "generated_at": timezone.now(), **export_context(request),
    })


def _record_links(figures: CountryFigures, selectivity_url: str | None) -> list[tuple[str, str]]:
    country = figures.country
    links = [
        ("All programs in this country", reverse("programs:program-list") + f"?country={country.iso3}"),
        ("Vetting records", tables.records_url("vetting", country)),
        ("Donor engagements", tables.records_url("donor-engagements", country)),
        ("Strategies", tables.records_url("strategies", country)),
    ]
    if selectivity_url:
        links.append(("Selectivity score and tier history", selectivity_url))
    assessments_url = url_or_none("assessments:assessment-list")
    if assessments_url:
        links.append(("Assessments", assessments_url + "?" + urlencode({"country": country.iso3})))
    return links


def country_page(figures: CountryFigures) -> Dashboard:
    """A country's sections: score trend, assessment, funding, programs, MOE performance,
    evaluations, recommendations, donors, division of labour, crises and flags."""
    country = figures.country
    dashboard = Dashboard(title=country.name)
    selectivity_url = url_or_none("assessments:country-selectivity", iso3=country.iso3)
    dashboard.extra.update(
        country=country, organizations=figures.organizations, tier_decision=figures.tier_decision,
        window=figures.window, score=figures.score, score_parts=figures.score_parts,
        score_range=figures.score_range, score_caps=figures.score_caps, assessment=figures.assessment,
        assessment_url=url_or_none("assessments:assessment-detail", pk=figures.assessment.pk)
        if figures.assessment else None,
        funding_totals=figures.funding_totals, rollup=figures.rollup, rollup_percent=figures.rollup_percent,
        figures_computed_at=figures.figures_computed_at, selectivity_url=selectivity_url,
        bureau_url=region_url(RegionScheme.STATE_BUREAU, country.state_bureau.code),
        command_url=region_url(RegionScheme.COMBATANT_COMMAND, country.combatant_command.code),
        record_links=_record_links(figures, selectivity_url),
    )
    score = figures.score
    dashboard.add(tables.ScoreTrendTable(figures.score_trend, computed_at=score.computed_at if score else None),
                  charts.score_trend_chart(figures.score_trend))
    dashboard.add(tables.assessment_table(figures), charts.assessment_chart(figures.assessment_scores))
    dashboard.add(tables.FundingByFiscalYearAgencyTable(figures.funding_rows),
                  charts.funding_by_fiscal_year_agency_chart(figures.funding_rows))
    dashboard.add(tables.programs_table(figures))
    dashboard.add(tables.moe_performance_table(figures), charts.moe_performance_chart(figures.moe_counts,
                                                                                      figures.moe_count))
    dashboard.add(tables.EvaluationsTable(figures.evaluations))
    dashboard.add(tables.RecommendationsTable(figures.recommendations, today=figures.today))
    dashboard.add(tables.DonorEngagementsTable(figures.engagements, country=country))
    dashboard.add(tables.DivisionOfLabourTable(figures.division_of_labour))
    dashboard.add(tables.CrisesTable(figures.crises))
    dashboard.flags = flag_links(figures.flag_counts, f"?country={country.iso3}")
    return dashboard


def country(request: HttpRequest, iso3: str, table: str | None = None, export_format: str = "csv") -> HttpResponse:
    country_obj = country_from_param(iso3)
    # The page lists the first programs; the download has them all.
    figures = country_dashboard(country=country_obj, programs_limit=None if table == "programs" else PROGRAMS_SHOWN)
    dashboard = country_page(figures)
    if table is not None:
        return table_export(dashboard.tables, table, export_format=export_format, stem=f"country-{country_obj.iso3}")
    return render(request, "dashboards/country.html", {"dashboard": dashboard, "generated_at": dashboard.generated_at,
                                                        **export_context(request)})

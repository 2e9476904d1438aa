from django.urls import path, register_converter
from django.views.generic import RedirectView

from .views import countries, flags, goals, home, portfolio, regions, reviews


class ExportFormat:
    """A table download's format: csv or xlsx."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export_format")

app_name = "dashboards"


def _page(route: str, view, name: str) -> list:
    """A dashboard page and its tables' downloads: ``export/<key>.csv`` (reversed with the
    table alone) and ``export/<key>.<csv|xlsx>``."""
    return [
        path(route, view, name=name),
        path(f"{route}export/<slug:table>.csv", view, name=f"{name}-export"),
        path(f"{route}export/<slug:table>.<export_format:export_format>", view, name=f"{name}-export"),
    ]


urlpatterns: list = [
    # /dashboards/ (README's address for the area) opens its first page, the portfolio.
    path("", RedirectView.as_view(pattern_name="dashboards:portfolio"), name="index"),
    *_page("portfolio/", portfolio.portfolio, "portfolio"),
    *_page("regions/<slug:scheme>/<str:code>/", regions.region, "region"),
    *_page("countries/", countries.country_list, "country-list"),
    *_page("countries/<str:iso3>/", countries.country, "country"),
    *_page("goal-coverage/", goals.goal_coverage, "goal-coverage"),
    *_page("flags/<slug:kind>/", flags.flag_list, "flag-list"),
    path("my-work/<slug:key>/", home.worklist_page, name="worklist"),
    path("reviews/", reviews.review_queue, name="review-queue"),
    path("reviews/planning/", reviews.planning_worksheet, name="planning-worksheet"),
]

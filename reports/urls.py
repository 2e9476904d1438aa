from django.urls import path
from django.views.generic import RedirectView

from .views import briefs, results_framework

app_name = "reports"

urlpatterns = [
    # /reports/ (README's address for the area) opens its first page, the results framework.
    path("", RedirectView.as_view(pattern_name="reports:results-framework"), name="index"),
    path("results-framework/", results_framework.results_framework_page, name="results-framework"),
    path("results-framework/export.<slug:fmt>", results_framework.results_framework_page,
         name="results-framework-export"),
    path("briefs/portfolio.pdf", briefs.portfolio_brief, name="portfolio-brief"),
    path("briefs/countries/<str:iso3>.pdf", briefs.country_brief, name="country-brief"),
]

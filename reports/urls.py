from django.urls import path

from .views import briefs, results_framework

app_name = "reports"

urlpatterns = [
    path("results-framework/", results_framework.results_framework_page, name="results-framework"),
    path("results-framework/export.<slug:fmt>", results_framework.results_framework_page,
         name="results-framework-export"),
    path("briefs/portfolio.pdf", briefs.portfolio_brief, name="portfolio-brief"),
    path("briefs/countries/<str:iso3>.pdf", briefs.country_brief, name="country-brief"),
]

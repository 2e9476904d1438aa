from django.urls import path

from .views import countries, flags, goals, portfolio, regions, reviews

app_name = "dashboards"

urlpatterns: list = [
    path("portfolio/", portfolio.portfolio, name="portfolio"),
    path("portfolio/export/<slug:table>.csv", portfolio.portfolio, name="portfolio-export"),
    path("regions/<slug:scheme>/<str:code>/", regions.region, name="region"),
    path("regions/<slug:scheme>/<str:code>/export/<slug:table>.csv", regions.region, name="region-export"),
    path("countries/", countries.country_list, name="country-list"),
    path("countries/export/<slug:table>.csv", countries.country_list, name="country-list-export"),
    path("countries/<str:iso3>/", countries.country, name="country"),
    path("countries/<str:iso3>/export/<slug:table>.csv", countries.country, name="country-export"),
    path("goal-coverage/", goals.goal_coverage, name="goal-coverage"),
    path("goal-coverage/export/<slug:table>.csv", goals.goal_coverage, name="goal-coverage-export"),
    path("flags/<slug:kind>/", flags.flag_list, name="flag-list"),
    path("flags/<slug:kind>/export/<slug:table>.csv", flags.flag_list, name="flag-list-export"),
    path("reviews/", reviews.review_queue, name="review-queue"),
    path("reviews/planning/", reviews.planning_worksheet, name="planning-worksheet"),
]

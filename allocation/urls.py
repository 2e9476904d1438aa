"""Planner pages (the navigation links allocation:scenario-list for managers)."""
from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("", views.scenario_list, name="scenario-list"),
    path("new/", views.scenario_create, name="scenario-create"),
    path("compare/", views.scenario_compare, name="scenario-compare"),
    path("<int:pk>/", views.scenario_detail, name="scenario-detail"),
    path("<int:pk>/edit/", views.scenario_edit, name="scenario-edit"),
    path("<int:pk>/solve/", views.scenario_solve, name="scenario-solve"),
]

"""Spreadsheet import (CSV, XLSX) of programs, funding, MOEs, targets and measurements."""
from django.urls import path

from . import views

app_name = "importing"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("templates/<str:name>", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("<int:pk>/confirm/", views.job_confirm, name="job-confirm"),
]

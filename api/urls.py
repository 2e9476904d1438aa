"""REST API v1 routes (owned by the api app)."""
from django.urls import path  # noqa: F401

urlpatterns: list = []

"""REST API v1: the OpenAPI schema and its offline docs (Swagger UI, ReDoc; assets vendored
by drf-spectacular-sidecar). The resources are routed in api/urls.py.

The schema answers systems with a token too (DRF requires authentication and answers 401
in JSON); the docs pages are for signed-in browser users and redirect to the login page.
"""
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    path("redoc/", login_required(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
]

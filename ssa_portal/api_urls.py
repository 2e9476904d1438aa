"""REST API v1: the OpenAPI schema and its offline docs (Swagger UI, assets vendored by
drf-spectacular-sidecar). The resources are routed in api/urls.py.

The schema answers systems with a token too (DRF requires authentication and answers 401
in JSON); the docs page is for signed-in browser users and redirects to the login page.
It runs under the strict Content-Security-Policy (docs/security.md) with no exception:
Swagger UI as the "split" view (its settings script is a separate file, not inline) with
a template without inline style. There is no ReDoc page: its bundle injects inline styles
and always loads Redocly's logo from their CDN (docs/decisions.md).
"""
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs/swagger_ui.html")),
        name="api-docs",
    ),
]

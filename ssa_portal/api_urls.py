"""REST API v1: the OpenAPI schema and its offline docs (Swagger UI, ReDoc; assets vendored
by drf-spectacular-sidecar). The resources are routed in api/urls.py.

The schema answers systems with a token too (DRF requires authentication and answers 401
in JSON); the docs pages are for signed-in browser users and redirect to the login page.
Both docs pages run under the strict Content-Security-Policy (docs/security.md): Swagger UI
as the "split" view (its settings script is a separate file, not inline) with a template
without inline style; ReDoc with a template without inline script or Google Fonts, and,
because ReDoc's bundle injects its styles at run time, ``style-src 'unsafe-inline'`` on that
page alone.
"""
from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs/swagger_ui.html")),
        name="api-docs",
    ),
    path(
        "redoc/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            login_required(SpectacularRedocView.as_view(url_name="api-schema", template_name="api_docs/redoc.html"))
        ),
        name="api-redoc",
    ),
]

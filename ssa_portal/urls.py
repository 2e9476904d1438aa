"""Root URLs: each app owns its pages; the REST API lives under /api/v1/."""
from django.contrib import admin
from django.urls import include, path

from dashboards.views import home
from identity.oidc.views import PortalLogoutView
from identity.views import PortalLoginView
from ssa_portal.health import health

urlpatterns = [
    path("", home, name="home"),
    path("health/", health, name="health"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", PortalLogoutView.as_view(), name="logout"),
    path("accounts/", include("identity.urls")),  # identity providers (OpenID Connect), dormant accounts
    path("accounts/otp/", include("ssa_portal.security.urls")),  # second factor (docs/security.md)
    path("admin/", admin.site.urls),
    path("programs/", include("programs.urls")),
    path("import/", include("programs.importing.urls")),
    path("assessments/", include("assessments.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("allocation/", include("allocation.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("api-tokens/", include("api.token_page_urls")),  # issue, list and revoke API tokens
    path("api/v1/", include("ssa_portal.api_urls")),
    path("api/v1/", include("api.urls")),
]

handler500 = "ssa_portal.errors.server_error"

"""Root URLs: each app owns its pages; the REST API lives under /api/v1/."""
from django.contrib import admin
from django.conf import settings
from django.urls import include, path
from django.contrib.auth.decorators import login_not_required
from django.views.generic import RedirectView

from dashboards.views.home import home
from identity.oidc.views import PortalLogoutView
from identity.views import PortalLoginView
from ssa_portal.health import health
from ssa_portal.security import passwords

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico before reading the page: the vendored USWDS icon.
    path("favicon.ico", login_not_required(RedirectView.as_view(url=f"{settings.STATIC_URL}vendor/uswds/img/favicons/favicon.ico", permanent=True))),
    path("health/", health, name="health"),
    path("accounts/login/", PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", PortalLogoutView.as_view(), name="logout"),
    path("accounts/", include("identity.urls")),  # identity providers (OpenID Connect), dormant accounts
    path("accounts/password/change/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", passwords.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", passwords.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", passwords.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", passwords.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("accounts/otp/", include("ssa_portal.security.urls")),  # second factor (docs/security.md)
    path("admin/", admin.site.urls),
    path("programs/", include("programs.urls")),
    path("import/", include("programs.importing.urls")),
    path("assessments/", include("assessments.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("allocation/", include("allocation.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("notifications/", include("notifications.urls")),
    path("reports/", include("reports.urls")),
    path("api-tokens/", include("api.token_page_urls")),  # issue, list and revoke API tokens
    path("api/v1/", include("ssa_portal.api_urls")),
    path("api/v1/", include("api.urls")),
]

handler500 = "ssa_portal.errors.server_error"

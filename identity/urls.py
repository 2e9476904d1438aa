from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views
from .oidc import views as oidc_views

urlpatterns = [
    path("oidc/callback/", login_not_required(oidc_views.ProviderCallback.as_view()), name="oidc-callback"),
    path("oidc/<slug:provider_key>/", login_not_required(oidc_views.ProviderSignInStart.as_view()),
         name="oidc-sign-in"),
    path("dormant/", views.dormant_accounts, name="dormant-accounts"),
]

"""Sign-in through a provider: start (redirect to the provider) and callback (back from
it), as mozilla-django-oidc's views with the provider chosen per request, refusals shown
on a page and in the security log; sign-out that also ends the provider's session."""
from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlparse

from django.contrib.auth.views import LogoutView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from ssa_portal.security.audit import security_event
from ssa_portal.security.otp import REQUIRED_KEY

from ..models import ProviderSignIn
from ..providers import Provider, provider_get, provider_metadata
from ..refusals import SignInRefused
from .settings_bridge import provider_setting

SESSION_PROVIDER_KEY = "identity_provider"


def refusal_page(request: HttpRequest, refusal: SignInRefused, provider: Provider | None) -> HttpResponse:
    """The page that says why a sign-in was refused (and the security log line)."""
    security_event("sign_in_refused", request=request, user="-", provider=provider.key if provider else "-",
                   code=refusal.code, reason=refusal.message, level=logging.WARNING)
    return render(request, "identity/refused.html", {"refusal": refusal, "provider": provider},
                  status=refusal.status)


def _provider_or_404(key: str) -> Provider:
    provider = provider_get(key)
    if provider is None:
        raise Http404("No such identity provider.")
    return provider


class ProviderSignInStart(OIDCAuthenticationRequestView):
    """Redirect to the provider's authorization endpoint: code flow with PKCE (S256),
    state and nonce kept in the session beside the provider's key."""

    def get_settings(self, attr, *args):
        return provider_setting(getattr(self, "provider", None), attr, *args)

    def get(self, request: HttpRequest, provider_key: str) -> HttpResponse:
        self.provider = _provider_or_404(provider_key)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_metadata(self.provider)["authorization_endpoint"]
        except SignInRefused as refusal:
            return refusal_page(request, refusal, self.provider)
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response = super().get(request)
        state = parse_qs(urlparse(response["Location"]).query)["state"][0]
        request.session["oidc_states"][state]["provider"] = self.provider.key
        request.session.modified = True
        return response

    def get_extra_params(self, request: HttpRequest) -> dict:
        return {"acr_values": self.provider.acr_values} if self.provider.acr_values else {}


class ProviderCallback(OIDCAuthenticationCallbackView):
    """Back from the provider: the state must be one this browser started (once), then
    the code is exchanged, the ID token checked and the account found or made."""

    def get(self, request: HttpRequest) -> HttpResponse:
        entry = request.session.get("oidc_states", {}).get(request.GET.get("state", ""))
        provider = provider_get(entry.get("provider", "")) if entry else None
        if provider is None:
            return refusal_page(request, SignInRefused(
                "state_unknown", "This sign-in answer was already used, has expired, or was not started in this "
                                 "browser. Start the sign-in again.", status=400), None)
        request.identity_provider = provider
        if request.GET.get("error"):
            del request.session["oidc_states"][request.GET["state"]]  # a state is used once, even for an error
            request.session.modified = True
            return refusal_page(request, SignInRefused(
                "provider_error", f"{provider.name} did not sign you in: "
                                  f"{(request.GET.get('error_description') or request.GET['error'])[:200]}."), provider)
        self.provider = provider
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return refusal_page(request, refusal, provider)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        latest = ProviderSignIn.objects.filter(user=self.user).only("piv_level").first()
        self.request.session[SESSION_PROVIDER_KEY] = self.provider.key
        if latest is not None and latest.piv_level:
            # A PIV/CAC sign-in at the provider is the second factor: no TOTP code on top.
            self.request.session[REQUIRED_KEY] = False
        return response

    def login_failure(self) -> HttpResponse:
        return refusal_page(self.request, SignInRefused(
            "sign_in_failed", "The sign-in did not go through. Start it again from the sign-in page.", status=400),
            getattr(self, "provider", None))


def provider_end_session_url(request: HttpRequest) -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout),
    or None when this session did not come from a provider or it does not support it."""
    provider = provider_get(request.session.get(SESSION_PROVIDER_KEY, ""))
    if provider is None:
        return None
    try:
        endpoint = provider_metadata(provider).get("end_session_endpoint")
    except SignInRefused:
        return None
    if not endpoint:
        return None
    params = {"client_id": provider.client_id,
              "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
    if request.session.get("oidc_id_token"):
        params["id_token_hint"] = request.session["oidc_id_token"]
    return f"{endpoint}?{urlencode(params)}"


class PortalLogoutView(LogoutView):
    """Sign out here, then (when the session came from a provider that supports it) at the
    provider. The hand-over is a page that moves on by itself (meta refresh): the strict
    CSP's ``form-action 'self'`` forbids a form submission to redirect to another origin."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        end_session = provider_end_session_url(request)
        response = super().post(request, *args, **kwargs)
        if end_session is None:
            return response
        return render(request, "identity/signing_out.html", {"end_session_url": end_session})

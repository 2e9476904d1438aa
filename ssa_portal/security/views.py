"""Second-factor pages: set up a TOTP device, verify a code."""
from __future__ import annotations

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import security_event
from .otp import REQUIRED_KEY, provisioning_qr_svg, safe_next, secret_text
from infrastructure.forms import PortalForm


CODE_DIGITS = 6
ENTER_CODE = "Enter the 6-digit code from your authenticator app."


class TokenForm(PortalForm):
    """The code an authenticator app shows: 6 digits (spaces between them are ignored, as
    apps show "123 456"); anything else is refused with a message saying what is wanted."""

    token = forms.CharField(
        label="6-digit code", help_text="The 6-digit code from your authenticator app.",
        error_messages={"required": ENTER_CODE},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit()):
            raise forms.ValidationError(f"The code is digits only (0-9). {ENTER_CODE}")
        if len(token) != CODE_DIGITS:
            raise forms.ValidationError(f"The code is {CODE_DIGITS} digits; this has {len(token)}. {ENTER_CODE}")
        return token


def _setup_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show the provisioning URI as a QR code, the secret in
    groups of 4 and the URI itself, confirm with a code. Never cached: it holds the secret."""
    device = _setup_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[REQUIRED_KEY] = True
            security_event("otp_enrolled", request=request, user=request.user.get_username())
            messages.success(request, "Second factor set up: you will be asked for a code at every sign-in.")
            return redirect(safe_next(request))
        form.add_error("token", "That code is not valid: check the time on your device and try again.")
    return render(request, "otp/setup.html", {
        "form": form, "config_url": device.config_url, "qr_svg": provisioning_qr_svg(device.config_url),
        "secret": secret_text(device), "account": request.user.get_username(), "issuer": settings.OTP_TOTP_ISSUER,
        "next": safe_next(request, ""),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            security_event("otp_verified", request=request, user=request.user.get_username())
            return redirect(safe_next(request))
        security_event("otp_failed", request=request, user=request.user.get_username(), level=logging.WARNING)
        form.add_error("token", "That code is not valid: check the time on your device and try again "
                                "(after a wrong code, wait a few seconds).")
    return render(request, "otp/verify.html", {"form": form, "next": safe_next(request, "")},
                  status=400 if form.errors else 200)

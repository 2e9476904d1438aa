"""Second-factor pages: set up a TOTP device, verify a code."""
from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import security_event
from .otp import REQUIRED_KEY, safe_next
from infrastructure.forms import PortalForm


class TokenForm(PortalForm):
    token = forms.CharField(
        label="6-digit code", max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}),
        help_text="The code your authenticator app shows now.",
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code is 6 digits.")
        return token


def _setup_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show the secret and the provisioning URI, confirm with a code."""
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
    secret = device.bin_key.hex()
    import base64

    return render(request, "otp/setup.html", {
        "form": form, "config_url": device.config_url,
        "secret": base64.b32encode(bytes.fromhex(secret)).decode().rstrip("="),
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

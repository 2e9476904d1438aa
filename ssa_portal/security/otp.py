"""The TOTP second factor (django-otp): required of administrators (group Administrator,
or superusers) before any portal or admin page; optional for everyone else, and then
required for them too once they have a confirmed device.

Flow: sign in with the password -> ``OTPRequiredMiddleware`` sends a session that has not
verified a second factor to the verify page (or, with no confirmed device yet, to the
setup page, which shows the ``otpauth://`` provisioning URI as a QR code to scan, and the
secret in groups of 4 and the URI itself to type or paste into an authenticator app) -> a
correct 6-digit code marks the session verified
(``django_otp.login``). API tokens are not sessions: they are issued by an administrator,
expire, and are not asked for a code.
"""
from __future__ import annotations

import base64

import segno
from django.apps import apps
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe

from programs.permissions import is_administrator

REQUIRED_KEY = "security_otp_required"
# Paths a signed-in but unverified session may still reach.
OPEN_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/accounts/login/", "/static/", "/health/")


def otp_enabled() -> bool:
    return apps.is_installed("django_otp")


def has_confirmed_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def otp_required_for(user) -> bool:
    """Whether ``user`` must verify a TOTP code before any portal or admin page."""
    if not (otp_enabled() and getattr(user, "is_authenticated", False)):
        return False
    return is_administrator(user) or has_confirmed_device(user)


def secret_text(device) -> str:
    """A TOTP device's key as people type it: base32 in groups of 4 (``"JBSW Y3DP EHPK
    3PXP ..."``; apps ignore the spaces)."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_qr_svg(uri: str) -> SafeString:
    """``uri`` (an ``otpauth://`` provisioning URI) as a QR code in inline SVG markup, drawn
    on the server by segno: one ``<svg class="otp-qr__code">`` with a white background
    (the quiet zone of 4 modules scanners need) and black modules as path data, each
    module 4 CSS pixels. Presentation attributes only (``fill``, ``stroke``), no
    ``style`` attribute and no script, so the strict CSP allows it inline. No accessible
    name of its own: the page wraps it in an element with ``role="img"`` and a label."""
    code = segno.make(uri, error="m", micro=False)
    # segno's markup: numbers and colors only, nothing of the URI as text
    return mark_safe(code.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="otp-qr__code",
                                     lineclass=None))


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Decide once per sign-in (not on every request) whether this session needs a code."""
    if request is not None and hasattr(request, "session"):
        request.session[REQUIRED_KEY] = otp_required_for(user)


def safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def _is_page_request(request: HttpRequest) -> bool:
    """A browser opening a page under /api/ (the docs page, a link followed): it is sent to
    set up or enter its code like any page; API clients (JSON) get the 403 instead."""
    return request.path == reverse("api-docs") or "text/html" in request.headers.get("Accept", "")


class OTPRequiredMiddleware:
    """After django_otp's OTPMiddleware: hold unverified sessions that need a second factor."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.session.get(REQUIRED_KEY)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if request.path.startswith("/api/") and not _is_page_request(request):
                return JsonResponse({"status": 403, "code": "second_factor_required",
                                     "detail": "Verify your second factor (TOTP) in the portal first."}, status=403)
            target = "otp-verify" if has_confirmed_device(user) else "otp-setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

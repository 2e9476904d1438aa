"""Changing one's own password and resetting a forgotten one: Django's views, in the
portal's layout, with each step in the security log (``audit.security_event``).

A reset link is e-mailed through Django's e-mail backend (console in development, SMTP in
production; settings ``EMAIL_*``; the link starts with ``PORTAL_BASE_URL``), works once and expires after ``PASSWORD_RESET_TIMEOUT``.
Neither view signs anyone in: after a reset the user signs in on the sign-in page, where
the lock-out (django-axes) and the second factor apply as always. While password sign-in
is off for everyone but break-glass administrators (``identity.selectors``), every reset
page answers 404: a reset would set a password its holder may not use, and break-glass
administrators are reset by another administrator, not by e-mail. Likewise the change
pages answer 404 to a user who cannot use a password (``identity.selectors.
password_change_available``: none set, as for accounts made by an identity provider, or
password sign-in off for them), and the navigation shows the link only to the others.
Changing the password ends the user's other sessions (Django's session hash) and keeps
the current one.
"""
from __future__ import annotations

import logging

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from identity.selectors import local_password_sign_in_for_everyone, password_change_available
from infrastructure.links import portal_base_url

from .audit import security_event


class PasswordUsableOnlyMixin:
    """The page exists only for a signed-in user who can use a password (else 404, as the
    reset pages); signing in is asked first, as always."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and not password_change_available(request.user):
            raise Http404("Password change is not available: you sign in through your agency's identity provider.")
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeView(PasswordUsableOnlyMixin, auth_views.PasswordChangeView):
    """The signed-in user's own password: the current one, then the new one twice."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        security_event("password_changed", request=self.request, user=self.request.user.get_username())
        return response

    def form_invalid(self, form) -> HttpResponse:
        if "old_password" in form.errors:
            security_event("password_change_failed", request=self.request, user=self.request.user.get_username(),
                           reason="wrong current password", level=logging.WARNING)
        return super().form_invalid(form)


@method_decorator(login_not_required, name="dispatch")
class LocalSignInOnlyMixin:
    """The page exists only while everyone may sign in with a password (else 404); like
    Django's reset views, it needs no sign-in."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not local_password_sign_in_for_everyone():
            raise Http404("Password reset is not available: sign in through your agency's identity provider.")
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(LocalSignInOnlyMixin, auth_views.PasswordResetView):
    """Asks for an e-mail address; says the same whether or not an account has it. The
    e-mailed link starts with ``PORTAL_BASE_URL`` (``infrastructure.links``), not with the
    request's host."""

    email_template_name = "registration/password_reset_email.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"portal_base_url": portal_base_url()}

    def form_valid(self, form) -> HttpResponse:
        security_event("password_reset_requested", request=self.request, user="-",
                       email=form.cleaned_data["email"][:254])
        return super().form_valid(form)


class PasswordResetDoneView(LocalSignInOnlyMixin, auth_views.PasswordResetDoneView):
    """"Check your e-mail"."""


class PasswordResetConfirmView(LocalSignInOnlyMixin, auth_views.PasswordResetConfirmView):
    """The link from the e-mail: a new password twice; the link then stops working."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        security_event("password_reset", request=self.request, user=form.user.get_username())
        return response


class PasswordResetCompleteView(LocalSignInOnlyMixin, auth_views.PasswordResetCompleteView):
    """"Your password is set: sign in"."""


class PasswordChangeDoneView(PasswordUsableOnlyMixin, auth_views.PasswordChangeDoneView):
    """"Your password was changed"."""

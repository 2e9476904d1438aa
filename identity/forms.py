"""The local (password) sign-in form, with the break-glass policy."""
from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .selectors import local_password_sign_in_allowed

LOCAL_SIGN_IN_OFF = ("Password sign-in is reserved for break-glass administrators. Sign in with your "
                     "agency's account (the buttons above).")


class PortalAuthenticationForm(AuthenticationForm):
    """Django's sign-in form; refuses the password sign-in of anyone but break-glass
    administrators while local sign-in is switched off (identity.selectors)."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not local_password_sign_in_allowed(user):
            raise forms.ValidationError(LOCAL_SIGN_IN_OFF, code="local_sign_in_off")

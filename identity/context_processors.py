"""Template context of the identity app: whether everyone may sign in with a password,
and whether the signed-in user can change theirs."""
from __future__ import annotations

from django.http import HttpRequest

from .selectors import local_password_sign_in_for_everyone, password_change_available


def local_sign_in(request: HttpRequest) -> dict:
    """``local_sign_in_everyone`` and ``password_change_available``: the selectors
    themselves (the latter for the signed-in user), which templates call only where they
    use them (the reset links; the "Change password" link), so other pages make no query."""
    return {"local_sign_in_everyone": local_password_sign_in_for_everyone,
            "password_change_available": lambda: password_change_available(request.user)}

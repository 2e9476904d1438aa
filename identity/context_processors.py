"""Template context of the identity app: whether everyone may sign in with a password."""
from __future__ import annotations

from django.http import HttpRequest

from .selectors import local_password_sign_in_for_everyone


def local_sign_in(request: HttpRequest) -> dict:
    """``local_sign_in_everyone``: the selector itself, which templates call only where they
    use it (the sign-in and locked-out pages' reset links), so other pages make no query."""
    return {"local_sign_in_everyone": local_password_sign_in_for_everyone}

"""Signing a test client in, second factor included for the accounts that need one."""
from __future__ import annotations

from django.test import Client


def sign_in(client: Client, user) -> None:
    """``force_login``, then, for administrators, a confirmed TOTP device verified in the
    session (what the verify page does after a correct code)."""
    client.force_login(user)
    from ssa_portal.security.otp import otp_required_for

    if otp_required_for(user):
        from tests.security.otp_helpers import verify_session

        verify_session(client, user)

"""A confirmed TOTP device for a test user and a session that has verified it."""
from __future__ import annotations

from django.test import Client


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test authenticator", defaults={"confirmed": True})
    return device


def verify_session(client: Client, user) -> None:
    """What django_otp.login() does after a correct code: remember the device in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
    session.save()

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


def current_code(device) -> str:
    """The code an authenticator app shows now for ``device`` (allowed again even if this
    time step was just used: tests sign in several times within 30 seconds)."""
    from django_otp.oath import TOTP

    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)

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


def qr_text_from_svg(svg: str) -> str:
    """What a scanner reads from the QR code drawn by ``svg`` (the set-up page's inline SVG):
    its dark modules are rebuilt from the path's line runs (``M x y``, ``m dx dy``, ``h n``:
    a run of n modules on the row at y - 0.5), drawn as a bitmap and decoded by zxing-cpp."""
    import re
    import xml.etree.ElementTree as ET

    import numpy as np
    import zxingcpp

    root = ET.fromstring(svg)
    scale = float(re.fullmatch(r"scale\(([\d.]+)\)", root.find("g").get("transform")).group(1))
    size = round(float(root.get("width")) / scale)
    dark = [p for p in root.iter("path") if p.get("stroke")]
    assert len(dark) == 1, "one path draws the dark modules"
    bitmap = np.full((size, size), 255, dtype=np.uint8)
    x = y = 0.0
    for command, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", dark[0].get("d")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = float(a) if command == "h" else float(a) - x
            bitmap[int(y), int(x):int(x + run)] = 0
            x += run
    results = zxingcpp.read_barcodes(bitmap.repeat(4, 0).repeat(4, 1))
    assert len(results) == 1, "one QR code"
    return results[0].text

"""An administrator signs in through a real browser: password, then the TOTP code."""
import io
import re

import pytest

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_signs_in_with_password_and_code(new_page, administrator):
    page = new_page()
    page.goto("/programs/")
    page.fill("input[name=username]", administrator.username)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/otp/verify/" in url)
    screenshot(page, "security-otp-verify")
    from tests.security.otp_helpers import confirmed_device, current_code

    page.fill("input[name=token]", current_code(confirmed_device(administrator)))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/programs/"))
    assert "admin_user" in page.locator(".account").inner_text()


def test_new_page_signs_administrators_in_with_their_code(new_page, administrator):
    page = new_page(administrator)
    page.goto("/dashboards/portfolio/")
    assert "/accounts/" not in page.url


def test_a_new_administrator_scans_the_qr_code_and_confirms_with_its_code(new_page):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from PIL import Image
    import zxingcpp

    from programs.permissions import ADMINISTRATOR
    from tests import factories
    from tests.security.otp_helpers import current_code

    # Given an administrator without a second factor, signing in
    admin = factories.UserFactory(username="new_admin", role=ADMINISTRATOR)
    page = new_page()
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/programs/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/otp/setup/" in url)
    screenshot(page, "security-otp-setup")
    # Then the set-up page shows a QR code, named for screen readers, under the strict CSP
    qr = page.get_by_role("img", name=re.compile("QR code .*new_admin"))
    assert qr.is_visible() and not refused, refused
    # and what a phone's camera reads from the pixels is the provisioning URI of the device
    shot = Image.open(io.BytesIO(page.locator(".otp-qr__code").screenshot())).convert("L")
    read = zxingcpp.read_barcodes(shot)
    device = TOTPDevice.objects.get(user=admin)
    assert [r.text for r in read] == [device.config_url]
    # When they type the code the app then shows, then they reach the page they asked for
    page.fill("input[name=token]", current_code(device))
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/programs/"))
    assert TOTPDevice.objects.get(user=admin).confirmed

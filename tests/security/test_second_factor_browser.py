"""An administrator signs in through a real browser: password, then the TOTP code."""
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

"""Signing in through a real browser."""
import pytest

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_signs_in_and_sees_home(new_page, analyst_a):
    page = new_page(analyst_a)
    assert page.locator("h1").inner_text() == "My work"  # the home page is the work lists
    assert "analyst_a" in page.locator(".account").inner_text()
    screenshot(page, "home")


def test_wrong_password_shows_message(new_page, analyst_a):
    page = new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "analyst_a")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "correct username and password" in page.locator("#error-summary").inner_text()


def test_anonymous_is_sent_to_login(new_page):
    page = new_page()
    page.goto("/")
    assert "/accounts/login/" in page.url

"""Users change their own password and reset a forgotten one (Django's views in the
portal's layout, e-mail through Django's e-mail backend: the test outbox here); the
lock-out and the security log still apply."""
from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
NEW_PASSWORD = "a-new-and-long-passphrase"
ADDRESS = "203.0.113.7"


def _security_messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "ssa_portal.security"]


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


def _reset_link(client: Client, email: str) -> str:
    """Ask for a reset of ``email``'s account; the path of the link in the one e-mail sent."""
    response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)


def _set_password_through(client: Client, link: str, password: str):
    """Open the e-mailed link (Django moves the token into the session and redirects) and
    post the new password twice."""
    opened = client.get(link)
    assert opened.status_code == 302, opened.status_code
    form_url = opened["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password}), form_url


# --- changing one's own password ---------------------------------------------------------


def test_a_user_changes_their_own_password_and_other_sessions_end(analyst_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    # given the analyst signed in on two browsers
    browser, other_browser = Client(), Client()
    assert _login(browser, "analyst_a", PASSWORD).status_code == 302
    assert _login(other_browser, "analyst_a", PASSWORD).status_code == 302
    page = browser.get(reverse("password_change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Change your password" in html and 'class="usa-header usa-header--extended portal-header"' in html  # the portal's layout

    # when they change it on one of them
    response = browser.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    # then the new password is in use, this session goes on, the other one has ended,
    # and the security log says so
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    analyst_a.refresh_from_db()
    assert analyst_a.check_password(NEW_PASSWORD)
    assert browser.get(reverse("home")).status_code == 200
    assert other_browser.get(reverse("home")).status_code == 302
    assert any(m.startswith("event=password_changed user=analyst_a") for m in _security_messages(caplog))


@pytest.mark.parametrize("form, field, message", [
    ({"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
     "old_password", "Your old password was entered incorrectly"),
    ({"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
     "new_password2", "This password is too short"),
    ({"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
     "new_password2", "The two password fields"),
])
def test_a_wrong_current_password_or_a_weak_new_one_is_a_field_error(client, analyst_a, form, field, message):
    client.force_login(analyst_a)
    response = client.post(reverse("password_change"), form)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    analyst_a.refresh_from_db()
    assert analyst_a.check_password(PASSWORD)


def test_a_wrong_current_password_is_logged(client, analyst_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    client.force_login(analyst_a)
    client.post(reverse("password_change"), {"old_password": "guess", "new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    assert any(m.startswith("event=password_change_failed user=analyst_a") for m in _security_messages(caplog))


def test_changing_the_password_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- resetting a forgotten one --------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_a_link_that_works_once(client, analyst_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    # given an anonymous visitor on the reset page, in the portal's layout
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200 and 'class="usa-header usa-header--extended portal-header"' in page.content.decode()
    assert "Forgot your password?" in client.get(reverse("login")).content.decode()

    # when they ask for a link for the analyst's address
    link = _reset_link(client, analyst_a.email)
    message = mail.outbox[0]
    assert message.to == [analyst_a.email] and message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == "SSA Portal: reset your password"

    # and set a new password through it
    response, form_url = _set_password_through(client, link, NEW_PASSWORD)

    # then the password is changed, nobody is signed in by the reset, and the new password signs in
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    analyst_a.refresh_from_db()
    assert analyst_a.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert _login(Client(), "analyst_a", NEW_PASSWORD).status_code == 302

    # and the link does not work a second time, opened or posted
    again = Client()
    assert "This link does not work" in again.get(link, follow=True).content.decode()
    reused = client.post(form_url, {"new_password1": "yet-another-passphrase", "new_password2": "yet-another-passphrase"})
    assert reused.status_code == 200 and "This link does not work" in reused.content.decode()
    analyst_a.refresh_from_db()
    assert analyst_a.check_password(NEW_PASSWORD)

    messages = _security_messages(caplog)
    assert any(m.startswith(f"event=password_reset_requested user=- ip={ADDRESS}") for m in messages)
    assert any(m.startswith("event=password_reset user=analyst_a") for m in messages)


def test_the_reset_link_starts_with_the_configured_base_url_not_the_request_host(client, analyst_a, settings):
    # given the portal reached at a configured address, and a request naming another host
    settings.PORTAL_BASE_URL = "https://ssa.example.gov:8443"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "elsewhere.example.com"]
    # when a reset link is e-mailed
    client.post(reverse("password_reset"), {"email": analyst_a.email}, HTTP_HOST="elsewhere.example.com")
    # then the link starts with the configured address, and it works
    link = re.search(r"\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith("https://ssa.example.gov:8443/accounts/password/reset/")
    response, _ = _set_password_through(client, link.removeprefix("https://ssa.example.gov:8443"), NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_on_the_reset_form(client, analyst_a):
    link = _reset_link(client, analyst_a.email)
    response, _ = _set_password_through(client, link, "password")
    assert response.status_code == 200
    assert "This password is too common" in " ".join(response.context["form"].errors["new_password2"])
    analyst_a.refresh_from_db()
    assert analyst_a.check_password(PASSWORD)


def test_a_reset_does_not_lift_a_lock_out(client, analyst_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    # given an account locked after too many failed sign-ins from one address
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "analyst_a", "guess")
    assert _login(client, "analyst_a", PASSWORD).status_code == 429

    # when its owner resets the password by e-mail
    response, _ = _set_password_through(client, _reset_link(client, analyst_a.email), NEW_PASSWORD)
    assert response.status_code == 302

    # then the lock still holds, even for the new password, until its time is up
    locked = _login(client, "analyst_a", NEW_PASSWORD)
    assert locked.status_code == 429 and "reset it by e-mail" in locked.content.decode()
    assert any(m.startswith("event=locked_out user=analyst_a") for m in _security_messages(caplog))

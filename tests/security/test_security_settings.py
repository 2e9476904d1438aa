"""Security promises of docs/security.md that are settings or middleware: the production
profile passes ``check --deploy``, a strict CSP on every answer, login lock-out, session
timeouts, password rules, and the security log (who, what, when in UTC, where)."""
from __future__ import annotations

import logging
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ssa_portal.security.sessions import ACTIVE_KEY, STARTED_KEY
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
EXPECTED_CSP = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "frame-ancestors": "'none'", "base-uri": "'self'", "form-action": "'self'",
}
UTC_STAMP = re.compile(r"at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: " ".join(d.split()[1:]) for d in (p.strip() for p in header.split(";")) if d}


def _security_messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "ssa_portal.security"]


# --- production profile ----------------------------------------------------------------


def _production_env(**extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set by conftest
    return {**env, **extra}


def test_production_profile_passes_check_deploy():
    env = {**_production_env(), "DJANGO_SETTINGS_MODULE": "ssa_portal.settings.production",
           "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "portal.example.gov"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_profile_refuses_the_development_secret_key():
    env = {**_production_env(), "DJANGO_SETTINGS_MODULE": "ssa_portal.settings.production", "SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_transport_settings():
    env = {**_production_env(), "DJANGO_SETTINGS_MODULE": "ssa_portal.settings.production", "SECRET_KEY": secrets.token_urlsafe(64)}
    code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
            "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True", "True", "31536000", "True", "True", "False"], result.stderr


# --- Content-Security-Policy ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/programs/", "/dashboards/portfolio/", "/api/v1/docs/",
                                  "/does-not-exist/", "/api/v1/programs/"])
def test_every_answer_carries_the_strict_csp(client, manager, path):
    client.force_login(manager)
    response = client.get(path)
    assert _csp(response) == EXPECTED_CSP, response["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_docs_page_has_no_inline_script(client, manager):
    client.force_login(manager)
    body = client.get("/api/v1/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "an inline <script> would be blocked by the CSP"


# --- sign-in throttling and the security log --------------------------------------------


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="203.0.113.7")


@pytest.mark.django_db
def test_sign_in_and_failed_sign_in_are_logged_with_who_when_where(client, analyst_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    assert _login(client, "analyst_a", "wrong password").status_code == 200
    assert _login(client, "analyst_a", PASSWORD).status_code == 302
    failed, signed_in = _security_messages(caplog)[:2]
    assert failed.startswith("event=sign_in_failed user=analyst_a ip=203.0.113.7 ") and UTC_STAMP.search(failed)
    assert signed_in.startswith("event=sign_in user=analyst_a ip=203.0.113.7 ") and UTC_STAMP.search(signed_in)
    assert "wrong password" not in " ".join(_security_messages(caplog))  # passwords are never logged


@pytest.mark.django_db
def test_five_failures_lock_the_account_from_that_address(client, analyst_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "analyst_a", "guess").status_code == 200
    locked = _login(client, "analyst_a", "guess")
    assert locked.status_code == 429 and "locked" in locked.content.decode().lower()
    # even the right password is refused while locked
    assert _login(client, "analyst_a", PASSWORD).status_code == 429
    assert "sessionid" not in client.cookies or not client.cookies["sessionid"].value
    assert any(m.startswith("event=locked_out user=analyst_a") for m in _security_messages(caplog))


@pytest.mark.django_db
def test_a_success_resets_the_failure_count(client, analyst_a):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "analyst_a", "guess")
    assert _login(client, "analyst_a", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "analyst_a", "guess").status_code == 200
    assert _login(client, "analyst_a", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_refused_page_and_api_writes_are_logged(client, analyst_b, program_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    client.force_login(analyst_b)
    assert client.post(reverse("programs:program-archive", args=[program_a.pk]), {"reason": "x"}).status_code == 403
    api = client.patch(f"/api/v1/programs/{program_a.pk}/", '{"title": "x", "version": 1}',
                       content_type="application/json")
    assert api.status_code == 403
    refusals = [m for m in _security_messages(caplog) if m.startswith("event=refused")]
    assert len(refusals) == 2, refusals
    assert f"path=/programs/{program_a.pk}/archive/" in refusals[0] and "user=analyst_b" in refusals[0]
    assert "method=PATCH" in refusals[1] and "reason=" in refusals[1] and UTC_STAMP.search(refusals[1])


@pytest.mark.django_db
def test_each_refusal_is_logged_once_as_a_warning_without_a_traceback(client, analyst_a, analyst_b, program_a, caplog):
    caplog.set_level(logging.INFO)
    client.force_login(analyst_b)
    page = client.post(reverse("programs:program-archive", args=[program_a.pk]), {"reason": "x"})
    api = client.patch(f"/api/v1/programs/{program_a.pk}/", '{"title": "x", "version": 1}', content_type="application/json")
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(analyst_a)
    forged = csrf.post(reverse("importing:upload"))
    missing = client.get("/no-such-page/")

    assert [page.status_code, api.status_code, forged.status_code, missing.status_code] == [403, 403, 403, 404]
    for path in (f"/programs/{program_a.pk}/archive/", f"/api/v1/programs/{program_a.pk}/", "/import/"):
        (record,) = [r for r in caplog.records if path in r.getMessage()]
        assert record.name == "ssa_portal.security" and record.levelname == "WARNING" and record.exc_info is None
        assert record.getMessage().startswith("event=refused")
    # Other 4xx answers keep Django's line; Django's loggers print through the root handler alone.
    assert [r.name for r in caplog.records if "/no-such-page/" in r.getMessage()] == ["django.request"]
    assert logging.getLogger("django").handlers == []


@pytest.mark.django_db
def test_read_only_token_write_refusal_is_logged(client, analyst_a, caplog):
    from api.tokens import api_token_issue

    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    _, key = api_token_issue(user=analyst_a, label="reader")
    response = client.post("/api/v1/measurements/", "{}", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403
    (refusal,) = [m for m in _security_messages(caplog) if m.startswith("event=refused")]
    assert "user=analyst_a" in refusal and "read-only" in refusal


# --- sessions -----------------------------------------------------------------------------


def test_session_settings():
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_RENEW_SECONDS == 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.django_db
def test_an_idle_session_expires_and_activity_renews_it(client, analyst_a):
    client.force_login(analyst_a)
    session = client.session
    session[ACTIVE_KEY] = int(time.time()) - 61  # last renewed over a minute ago
    session.save()
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timezone.timedelta(minutes=1))
    assert client.get("/programs/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timezone.timedelta(minutes=29)  # activity renews the 30 minutes
    assert client.get("/programs/").status_code == 200  # within the minute: no new write
    assert Session.objects.get(session_key=key).expire_date == renewed
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get("/programs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, analyst_a, caplog):
    caplog.set_level(logging.INFO, logger="ssa_portal.security")
    client.force_login(analyst_a)
    assert client.get("/programs/").status_code == 200
    session = client.session
    session[STARTED_KEY] = int(time.time()) - 12 * 3600 - 5
    session.save()
    response = client.get("/programs/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert any(m.startswith("event=session_expired user=analyst_a") for m in _security_messages(caplog))


# --- passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize("password, problem", [
    ("short1!", "too short"), ("password12345", "too common"), ("123456789012345", "entirely numeric"),
])
def test_weak_passwords_are_refused(password, problem):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert problem in " ".join(refused.value.messages)


def test_a_long_passphrase_is_accepted():
    validate_password("correct-horse-battery-staple")

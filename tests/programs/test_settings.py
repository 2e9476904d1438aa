"""Settings profiles: embedded defaults for a bare machine; production refuses weak secrets
and the test client's host, and serves static files from collectstatic only."""
import os
import secrets
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


SETTINGS_ENV = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")


def _settings(module: str, *, show: str = "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG",
              **env: str) -> subprocess.CompletedProcess:
    """Load the settings ``module`` in a fresh interpreter with ``env``; print ``show``."""
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    code = f"import django; django.setup(); from django.conf import settings as s; print({show})"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env={**base, "DJANGO_SETTINGS_MODULE": module, **env}, timeout=60,
    )


def test_bare_machine_defaults_to_sqlite_and_in_process_tasks():
    result = _settings("ssa_portal.settings")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


def test_without_a_broker_publishing_runs_in_process_and_logs_no_warning():
    """Celery builds a producer even for an eager call: with no broker URL kombu warned
    "No hostname was supplied" on every save. The in-process broker URL leaves the log quiet."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from infrastructure.task_dispatch import publish; from ssa_portal.celery import health_ping; "
        "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, publish(health_ping))"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**base, "DJANGO_SETTINGS_MODULE": "ssa_portal.settings"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["memory://localhost/", "True", "True"]
    assert "WARNING" not in result.stderr and "No hostname" not in result.stderr, result.stderr


def test_configured_machine_uses_postgres_and_broker():
    result = _settings("ssa_portal.settings", DATABASE_URL="postgres://u@db:5432/x", REDIS_URL="redis://r:6379/0")
    assert result.stdout.split()[:2] == ["django.db.backends.postgresql", "False"]


@pytest.mark.parametrize("secret, message", [
    ("", "SECRET_KEY must be set"),
    ("dev-only-insecure-key-do-not-use-in-production", "SECRET_KEY must be set"),
    ("django-insecure-" + secrets.token_urlsafe(64), "SECRET_KEY must be set"),
    ("short", "at least 50 characters long (it has 5)"),
    ("a" * 60, "too predictable: about 0 bits"),
    ("ab" * 30, "too predictable: about 60 bits"),
    ("password" * 8, "too predictable"),
])
def test_production_refuses_to_start_without_a_random_secret(secret, message):
    result = _settings("ssa_portal.settings.production", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr, result.stderr[-500:]


@pytest.mark.parametrize("secret", [
    secrets.token_urlsafe(64),  # what the README tells operators to use
    secrets.token_hex(32),  # 64 hexadecimal digits
    "build-only-placeholder-key-that-is-long-enough-for-the-check-0123456789",  # the Dockerfile's collectstatic
], ids=["token_urlsafe", "token_hex", "dockerfile_placeholder"])  # fixed ids: xdist workers collect alike
def test_production_starts_with_a_random_secret(secret):
    result = _settings("ssa_portal.settings.production", SECRET_KEY=secret)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "False"


def test_production_allows_neither_the_test_client_host_nor_static_finders():
    result = _settings("ssa_portal.settings.production", show="s.ALLOWED_HOSTS, s.WHITENOISE_USE_FINDERS, s.DEBUG",
                       SECRET_KEY=secrets.token_urlsafe(64), DEBUG="True")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['127.0.0.1',", "'localhost']", "False", "True"]
    refused = _settings("ssa_portal.settings.production", SECRET_KEY=secrets.token_urlsafe(64),
                        ALLOWED_HOSTS="portal.example.gov,testserver")
    assert refused.returncode != 0 and "ALLOWED_HOSTS must not contain 'testserver'" in refused.stderr

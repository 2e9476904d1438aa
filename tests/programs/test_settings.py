"""Settings profiles: embedded defaults for a bare machine; production refuses weak secrets."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _settings(module: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY")}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
    )
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


@pytest.mark.parametrize("secret", ["", "short", "dev-only-insecure-key-do-not-use-in-production"])
def test_production_refuses_to_start_without_a_real_secret(secret):
    result = _settings("ssa_portal.settings.production", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret():
    result = _settings("ssa_portal.settings.production", SECRET_KEY="x" * 64)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "False"

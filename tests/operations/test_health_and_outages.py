"""Monitoring and outages: the health endpoint, and a clear 503 page (not a stack trace)
when the database refuses connections."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.django_db
def test_health_reports_database_and_broker_without_login(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert {"broker", "workers", "deferred_tasks"} <= set(body["checks"])


@pytest.mark.django_db(transaction=True)
def test_health_sees_a_real_worker(client, celery_worker_process):
    body = client.get("/health/").json()
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["workers"]["status"] == "ok"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def portal_without_database():
    """The portal under gunicorn (a real server process) whose database cannot be reached."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",  # nothing listens on port 1
        "DEBUG": "False",
        "DJANGO_SETTINGS_MODULE": "ssa_portal.settings",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ssa_portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_database_outage_gives_a_clear_503_page(portal_without_database):
    status, body = _get(portal_without_database + "/", cookie="sessionid=" + "a" * 32)
    assert status == 503
    assert "temporarily unavailable" in body
    assert "Traceback" not in body


def test_health_says_503_when_the_database_is_down(portal_without_database):
    status, body = _get(portal_without_database + "/health/")
    assert status == 503
    assert '"database": {"status": "error"' in body

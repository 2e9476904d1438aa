"""Monitoring and outages: the health endpoint (the status word for everyone, the checks
for administrators), and a clear 503 (a page for people, the API's JSON error shape for
API clients; never a stack trace) when the database refuses connections."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.security.signin import sign_in

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.django_db
def test_health_tells_anonymous_callers_and_non_administrators_only_the_status(client, manager):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    client.force_login(manager)
    assert client.get("/health/").json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_shows_administrators_database_broker_and_workers(client, administrator):
    sign_in(client, administrator)
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert {"broker", "workers", "deferred_tasks"} <= set(body["checks"])


@pytest.mark.django_db
def test_health_hides_the_checks_from_an_administrator_before_the_second_factor(client, administrator):
    client.force_login(administrator)
    assert client.get("/health/").json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_health_sees_a_real_worker(client, administrator, celery_worker_process):
    sign_in(client, administrator)
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


def _get(url: str, cookie: str = "", **headers: str) -> tuple[int, str, str]:
    """Status, Content-Type and body."""
    request = urllib.request.Request(url, headers={**headers, **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_database_outage_gives_a_clear_503_page(portal_without_database):
    status, content_type, body = _get(portal_without_database + "/", cookie="sessionid=" + "a" * 32,
                                      Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert (status, content_type.split(";")[0]) == (503, "text/html")
    assert "temporarily unavailable" in body
    assert "Traceback" not in body


@pytest.mark.parametrize("path, headers", [
    ("/api/v1/programs/", {"Authorization": "Token " + "a" * 64}),
    ("/api/v1/programs/", {"Cookie": "sessionid=" + "a" * 32}),
    ("/api/v1/programs/?format=csv", {"Authorization": "Token " + "a" * 64}),
    ("/programs/", {"Cookie": "sessionid=" + "a" * 32, "Accept": "application/json"}),
])
def test_database_outage_gives_api_clients_the_api_error_shape(portal_without_database, path, headers):
    status, content_type, body = _get(portal_without_database + path, **headers)
    assert (status, content_type) == (503, "application/json")
    assert json.loads(body) == {"status": 503, "code": "service_unavailable",
                                "detail": "The portal is temporarily unavailable; try again shortly."}


def test_health_says_down_without_internals_when_the_database_is_down(portal_without_database):
    status, content_type, body = _get(portal_without_database + "/health/")
    assert (status, content_type) == (503, "application/json")
    assert json.loads(body) == {"status": "down"}  # no driver message, host or port

"""Shared fixtures: reference data, role-named users (STYLE.md rule 8), a browser.

Tests run against the database named by DATABASE_URL (PostgreSQL in CI) and the broker
named by REDIS_URL; nothing we own or run is mocked.
"""
import os

import pytest
from django.contrib.auth.models import Group

from programs.models import ProgramStatus
from programs.permissions import ADMINISTRATOR, ANALYST, MANAGER
from programs.services.reference_data import reference_data_load
from tests import factories
from tests.security.otp_helpers import confirmed_device
from tests.security.signin import sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API beside the ORM


def _ensure_reference_data() -> None:
    """Reference data and seeded rows that migrations create (flushed by transactional tests)."""
    from assessments.framework_seed import seed_framework_v1, seed_framework_v2
    from assessments.models import AssessmentFramework, BandCap, Criterion
    from programs.models import Country

    if not Country.objects.exists():
        reference_data_load()
    if AssessmentFramework.objects.count() < 2:  # versions 1 and 2, as the migrations seed them
        seed_framework_v1(AssessmentFramework, Criterion)
        seed_framework_v2(AssessmentFramework, Criterion, BandCap)
    for name in (ANALYST, MANAGER, ADMINISTRATOR):
        Group.objects.get_or_create(name=name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load reference data once into the test database, committed."""
    with django_db_blocker.unblock():
        _ensure_reference_data()


@pytest.fixture(autouse=True)
def dashboard_figures_always_current(settings):
    """Tests read the figures they just changed: no serving of outdated figures while a
    worker refreshes them (tests/dashboards/test_figures_refresh.py switches it on)."""
    settings.DASHBOARD_FIGURES_MAX_AGE = 0


@pytest.fixture(autouse=True)
def reference_data(request, django_db_blocker):
    """Reference data in every database test: reloaded (committed) after a transactional
    test has flushed the tables."""
    marker = request.node.get_closest_marker("django_db")
    if marker or {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("django_db_setup")
        with django_db_blocker.unblock():
            _ensure_reference_data()
    yield


@pytest.fixture
def agency_a():
    return factories.agency("DOS")


@pytest.fixture
def agency_b():
    return factories.agency("DOD")


@pytest.fixture
def analyst_a(agency_a):
    """Analyst of agency A (State)."""
    return factories.AnalystFactory(username="analyst_a", agency=agency_a)


@pytest.fixture
def analyst_b(agency_b):
    """Analyst of agency B (Defense)."""
    return factories.AnalystFactory(username="analyst_b", agency=agency_b)


@pytest.fixture
def manager():
    return factories.ManagerFactory(username="manager")


@pytest.fixture
def administrator():
    """An administrator with a confirmed TOTP device: the second factor administrators must
    verify before any page (``new_page`` types its code; tests.security.signin does it for
    test clients)."""
    from tests.security.otp_helpers import confirmed_device

    user = factories.UserFactory(username="admin_user", role=ADMINISTRATOR)
    confirmed_device(user)
    return user


@pytest.fixture
def program_a(agency_a):
    """An active program led by agency A in Kenya."""
    return factories.ProgramFactory(lead_agency=agency_a)


@pytest.fixture
def root(client):
    """An administrator with staff and superuser rights, signed in (with the second factor)
    on ``client``."""
    user = factories.UserFactory(username="root", role=ADMINISTRATOR, is_staff=True, is_superuser=True)
    confirmed_device(user)
    sign_in(client, user)
    return user


@pytest.fixture
def tasks_in_process():
    """Enqueued tasks run in the test's process (the no-broker mode) while the test runs;
    the worker path has its own tests (``celery_worker_process``)."""
    from ssa_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def proposed_program(agency_a):
    """A proposed program led by agency A, FY2025 to FY2027: its values may be entered,
    changed and removed by agency A's analysts."""
    return factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2027)


@pytest.fixture
def proposed_moe(proposed_program):
    """A measure of effectiveness of ``proposed_program``."""
    return factories.MoeFactory(program=proposed_program)


# --- A real Celery worker on Redis ---------------------------------------------------


@pytest.fixture
def broker_without_worker(transactional_db, settings):
    """Publish to the real Redis broker (REDIS_URL or CELERY_BROKER_URL), its queue purged,
    with no worker running and no worker heartbeat left by an earlier test's worker
    (infrastructure.worker_heartbeat). Data the test creates must be committed, hence
    ``transactional_db``. Yields the broker URL; the queue is purged again afterwards."""
    from django.core.cache import caches

    from infrastructure.worker_heartbeat import CACHE_ALIAS, HEARTBEAT_KEY
    from ssa_portal.celery import app
    from tests.broker import point_app_at

    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        pytest.fail("REDIS_URL must point at a Redis server for worker tests (see README).")
    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    point_app_at(broker)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.control.purge()
    caches[CACHE_ALIAS].delete(HEARTBEAT_KEY)
    try:
        yield broker
    finally:
        app.control.purge()
        point_app_at(previous[1], result_backend=previous[2])
        app.conf.task_always_eager = previous[0]


@pytest.fixture
def celery_worker_process(broker_without_worker):
    """Start a real ``celery worker`` process on the test database and Redis broker.

    Needs REDIS_URL (or CELERY_BROKER_URL); data the test creates must be committed
    (``transactional_db``). Yields the Celery app configured to publish to it.
    """
    import subprocess
    import sys
    import time

    from django.db import connection

    from ssa_portal.celery import app

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{db['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_without_worker}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ssa_portal", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-mingle", "--without-gossip", "-n", f"test-{os.getpid()}@%h"],
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if app.control.inspect(timeout=0.5).ping():
                break
            if worker.poll() is not None:
                pytest.fail("celery worker exited during start-up")
        else:
            pytest.fail("celery worker did not answer within 30 s")
        yield app
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()


# --- A real browser -------------------------------------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "screenshots")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context; ``new_page(user)`` returns a page signed in as user."""
    contexts = []

    def open_page(user=None, password: str = "correct-horse-battery"):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto("/accounts/login/")
            page.fill("input[name=username]", user.username)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            if "/accounts/otp/" in page.url:  # the second factor (administrators)
                from tests.security.otp_helpers import confirmed_device, current_code

                page.fill("input[name=token]", current_code(confirmed_device(user)))
                page.click("main button[type=submit]")  # not the header's "Sign out"
                page.wait_for_url(lambda url: "/accounts/otp/" not in url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> str:
    """Save a full-page screenshot under screenshots/ (ignored by git)."""
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    path = os.path.join(SCREENSHOT_DIR, f"{name}.png")
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def wsgi_keeps_test_connection():
    """Like django.test.Client: keep the test's connection (and transaction) open across
    requests instead of closing it at the end of each one."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)

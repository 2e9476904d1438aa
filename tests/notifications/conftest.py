import pytest


@pytest.fixture(autouse=True)
def tasks_in_process():
    """E-mail tasks run in the test's process (as with no broker configured), so Django's
    test outbox captures what they send."""
    from ssa_portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous

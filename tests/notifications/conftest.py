import pytest


@pytest.fixture(autouse=True)
def email_tasks_in_process(tasks_in_process):
    """E-mail tasks run in the test's process (as with no broker configured), so Django's
    test outbox captures what they send."""

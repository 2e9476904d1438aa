"""Give each pytest-xdist worker its own Redis database (loaded with ``-p`` before Django).

``make test`` runs the suite on two workers. Each gets its own test database from
pytest-django (``test_<name>_gw0``...), but the broker and result backend come from
``REDIS_URL``: two workers sharing one Redis database would consume each other's tasks
(a Celery worker started by one test serving another's database). Worker ``gwN`` uses
database number ``base + N + 1`` of the same server. Without xdist nothing changes.
"""
from __future__ import annotations

import os
import re


def _per_worker(url: str, worker: str) -> str:
    index = int(worker.removeprefix("gw") or 0)
    match = re.match(r"^(redis://[^/]+)(?:/(\d+))?$", url)
    if not match:
        return url
    base = int(match.group(2) or 0)
    return f"{match.group(1)}/{base + index + 1}"


_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    for _name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(_name):
            os.environ[_name] = _per_worker(os.environ[_name], _worker)

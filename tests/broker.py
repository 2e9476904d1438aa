"""Pointing this process's Celery app at a broker, for tests that switch brokers.

Celery keeps broker connections in kombu's process-wide pools keyed by URL; closing
one pool without clearing the registry leaves a closed pool that later publishes
trip over ("Acquire on closed pool"). The result backend is cached the same way. Every switch therefore goes through here.
"""
from __future__ import annotations

from kombu import pools

from ssa_portal.celery import app

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def point_app_at(url: str, *, result_backend: str | None = None) -> None:
    """Publish and inspect through ``url``, keep results at ``result_backend`` (default:
    the same URL); drop pooled connections and the cached backend."""
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.result_backend = result_backend or url or None
    # Not app.close(): it also deregisters the app, so that shared tasks imported later
    # are never registered with it (NotRegistered on publish).
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
    # The result backend object is cached per app (or per thread) with its URL.
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)

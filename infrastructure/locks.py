"""Guards against two overlapping runs writing the same scope.

On PostgreSQL an advisory lock keyed by the scope name; the second runner does not wait,
it learns the scope is busy and skips (its inputs will be read by the run that holds the
lock, or by the next one). SQLite serialises writers itself. ``try_scope_lock`` holds it
until the current transaction ends (for work that writes in one transaction);
``scope_lock_held`` holds it for a block of work that commits as it goes.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def _key(scope: str) -> list[int]:
    return [4242, zlib.crc32(scope.encode()) - 2**31]


def try_scope_lock(scope: str) -> bool:
    """Take the lock for ``scope`` until the current transaction ends; False if held."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", _key(scope))
        return bool(cursor.fetchone()[0])


@contextmanager
def scope_lock_held(scope: str) -> Iterator[bool]:
    """Hold the lock for ``scope`` (session level, released on leaving the block) while
    the block's own transactions commit; yields False, holding nothing, if it is busy."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", _key(scope))
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", _key(scope))

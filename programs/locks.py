"""Guards against two overlapping runs writing the same scope.

On PostgreSQL a transaction-scoped advisory lock keyed by the scope name; the second
runner does not wait, it learns the scope is busy and skips (its inputs will be read by
the run that holds the lock, or by the next one). SQLite serialises writers itself.
"""
from __future__ import annotations

import zlib

from django.db import connection


def try_scope_lock(scope: str) -> bool:
    """Take the lock for ``scope`` until the current transaction ends; False if held."""
    if connection.vendor != "postgresql":
        return True
    key = zlib.crc32(scope.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [4242, key - 2**31])
        return bool(cursor.fetchone()[0])

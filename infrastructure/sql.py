"""Portable SQL fragments for raw-SQL reports: the few spellings that differ between
PostgreSQL (production, tests) and SQLite (the embedded set-up of ``make start``), and
reading timestamps back from raw SQL."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.utils.dateparse import parse_datetime


def ids_in(column: str, ids: Iterable[int] | None) -> tuple[str, list[int]]:
    """The one way ids reach raw SQL: ``("column IN (%s, %s)", [3, 7])``, the ids as
    parameters (cast to int, deduplicated, sorted); ``("TRUE", [])`` for no scope (None)
    and ``("FALSE", [])`` for an empty one."""
    if ids is None:
        return "TRUE", []
    ids = sorted({int(i) for i in ids})
    if not ids:
        return "FALSE", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def sql_literal_list(values: Iterable[str]) -> str:
    """``('a', 'b')`` for code constants (never user input) inside an SQL ``IN``."""
    quoted = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return f"({quoted})"


def string_agg(expression: str) -> str:
    """Values joined with ", ", in order (SQLite keeps its own order)."""
    if connection.vendor == "postgresql":
        return f"STRING_AGG({expression}, ', ' ORDER BY {expression})"
    return f"GROUP_CONCAT({expression}, ', ')"


def string_agg_distinct(expression: str) -> str:
    """Distinct values joined with ", ". SQLite's GROUP_CONCAT takes no separator with
    DISTINCT and joins with ","; commas inside values are kept (swapped out and back)."""
    if connection.vendor == "postgresql":
        return f"STRING_AGG(DISTINCT {expression}, ', ')"
    swapped = f"REPLACE({expression}, ',', char(31))"
    return f"REPLACE(REPLACE(GROUP_CONCAT(DISTINCT {swapped}), ',', ', '), char(31), ',')"


def int_array(*expressions: str) -> str:
    """A list of integers as :class:`infrastructure.models.IntegerArrayField` stores it:
    ``ARRAY[...]`` on PostgreSQL, a JSON array on SQLite (no expressions: an empty list)."""
    if connection.vendor == "postgresql":
        return f"CAST(ARRAY[{', '.join(expressions)}] AS integer[])"
    return f"json_array({', '.join(expressions)})"


def int_array_agg(expression: str) -> str:
    """The integers of a group as :class:`infrastructure.models.IntegerArrayField` stores
    them: in increasing order on PostgreSQL; SQLite keeps its own order."""
    if connection.vendor == "postgresql":
        return f"ARRAY_AGG({expression} ORDER BY {expression})"
    return f"json_group_array({expression})"


def json_object(columns: Iterable[str], *, alias: str) -> str:
    """A JSON object of ``alias``'s columns keyed by their names (column names are code
    constants, never user input): ``jsonb_build_object`` on PostgreSQL, ``json_object`` on
    SQLite (booleans become 0 / 1 there, as SQLite returns them anyway)."""
    function = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    pairs = ", ".join(f"'{name}', {alias}.{name}" for name in columns)
    return f"{function}({pairs})"


def latest_changes(*, timestamped: Iterable[str] = (), linked: Iterable[str] = ()) -> str:
    """The columns of an inputs-version query: ``(SELECT MAX(updated_at) FROM t)`` for each
    ``timestamped`` table (TimeStamped: the column is indexed) and ``(SELECT MAX(id) FROM
    t)`` for each ``linked`` table (link tables have no timestamps; every link added moves
    their highest id). Table names are code constants."""
    columns = [f"(SELECT MAX(updated_at) FROM {table})" for table in timestamped]
    columns += [f"(SELECT MAX(id) FROM {table})" for table in linked]
    return ", ".join(columns)


def db_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """A timestamp read by raw SQL, aware: PostgreSQL gives an aware datetime; SQLite a
    naive one (a plain column) or the text Django stored (an aggregate), both in UTC."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(value)
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


BULK_WORK_MEM = "64MB"
# Whole-portfolio reads on a page (the coordination rules): their sorts and hashes of a few
# hundred thousand rows need 5-20 MB; sixteen web threads may run one each.
REPORT_WORK_MEM = "32MB"


def bulk_settings_for_transaction(*, work_mem: str = BULK_WORK_MEM) -> None:
    """Planner settings for set-based recomputes (and whole-portfolio reads, with
    ``work_mem=REPORT_WORK_MEM``), until the current transaction ends (PostgreSQL; no-op
    on SQLite):

    * ``jit = off``: JIT fires on cost alone, and every statement over a million rows
      passes its thresholds; on the MOE-period rebuild the compile took ~10 s and bought
      nothing (the time goes to sorts and I/O, not to evaluating cheap expressions).
    * ``work_mem = 64MB``: the rebuild's sorts (1.3 to 2.2 million rows, 40-75 MB) spilled to
      disk at the 4 MB default. One such transaction runs at a time (the rollups lock).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL jit = off; SET LOCAL work_mem = '{work_mem}'")

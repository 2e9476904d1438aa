"""Rebuilding a derived table by build-and-swap (PostgreSQL): the rows are written into a
fresh table with no index and no constraint, the indexes are built and the constraints
added once after the load, then the fresh table replaces the live one, all inside the
caller's transaction.

Why: rewriting a derived table in place (``DELETE`` + ``INSERT``) maintains every index
row by row, fires two foreign-key triggers per row and leaves every old row behind as a
dead tuple. Loading an empty table and then building each index in one sort (with
``maintenance_work_mem`` raised for the transaction, so the sorts stay in memory and
may use parallel workers), and adding each foreign key once, costs little beside
computing the rows.

Writers: the live table is locked ``SHARE`` for the rebuild, so a write to it (which the
swap would silently discard) waits for the commit and then applies to the new table.
Readers: until the caller commits, every other session reads the old table (the fresh one
is invisible to them); the swap itself (``DROP``, ``RENAME``) takes an exclusive lock for
an instant at the end, and a query waiting on it then reads the new table by name. No
reader ever sees a half-built table.

A crash (or an error) before the commit rolls the whole transaction back: the live table
is untouched and the fresh one never existed (PostgreSQL may leave the aborted table's
data files on disk after a crash, unreferenced; they hold no live data). The fresh table
has the live table's persistence (an ordinary logged table here: nothing has to be
rebuilt after a crash; an unlogged one would be emptied by crash recovery).

The live table keeps its name, its columns and defaults (an identity column gets a fresh
sequence, continuing after the rows loaded), and every index and constraint under the
same name and definition, so migrations keep working on it. A table that other tables
reference, or that views depend on, cannot be swapped: ``DROP TABLE`` refuses, loudly.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

_INDEX_DEF = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON \S+ (USING .*)$")
# For the index builds of one rebuild at a time: a 1.32 M-row index sort (80-100 MB) fits,
# and PostgreSQL may give it two parallel workers (each needs 32 MB). The MOE-period table's
# three indexes took 5.2-6.0 s at 64 MB and 3.5-4.6 s at 512 MB, alternating under load 11
# (docs/performance.md); 256 MB was not measured on its own.
REBUILD_MAINTENANCE_WORK_MEM = "256MB"


@dataclass(frozen=True)
class _Structure:
    unlogged: bool
    constraints: list[tuple[str, str, str]]  # (name, kind p/u/f/c/x, definition without NOT VALID)
    indexes: list[tuple[str, str]]  # (name, "[UNIQUE ]" + "USING ..." tail), not backing a constraint
    identity_column: str | None


def _structure(cursor, table: str) -> _Structure:
    cursor.execute("SELECT relpersistence FROM pg_class WHERE oid = %s::regclass", [table])
    unlogged = cursor.fetchone()[0] == "u"
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype <> 'n' ORDER BY conname",
        [table],
    )
    # A foreign key added NOT VALID by an earlier swap reads back with that suffix.
    constraints = [
        (name, kind, definition.removesuffix(" NOT VALID")) for name, kind, definition in cursor.fetchall()
    ]
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) "
        "ORDER BY 1",
        [table],
    )
    indexes = []
    for name, definition in cursor.fetchall():
        match = _INDEX_DEF.match(definition)
        if match is None:
            raise ValueError(f"Cannot rebuild index {name}: {definition}")
        indexes.append((name, (match.group(1) or "") + match.group(2)))
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> '' AND NOT attisdropped",
        [table],
    )
    identity = cursor.fetchone()
    return _Structure(unlogged, constraints, indexes, identity[0] if identity else None)


def table_rebuild_swap(
    table: str,
    columns: Sequence[str],
    select_sql: str,
    params: Sequence[object] = (),
    *,
    validate_foreign_keys: bool = True,
) -> int:
    """Replace every row of ``table`` with the rows of ``select_sql`` (one row per
    ``columns``, in that order), by build-and-swap. Returns the number of rows written.

    ``validate_foreign_keys=False``: the foreign keys are added ``NOT VALID`` and left so
    (still enforced on every later insert, update and delete of a referenced row), without
    the scan that checks the loaded rows. Only for a ``select_sql`` that takes each
    referenced row from a join with its table, where a referenced row can only be deleted
    together with the rows of ``table`` that point to it (the ORM's cascade): the ``SHARE``
    lock then keeps such a delete from committing between the query's snapshot and the
    commit, so no loaded row can point to a missing one.

    Must run inside a transaction (``transaction.atomic``); PostgreSQL only. ``table`` and
    ``columns`` are code constants, never user input. Raises ``IntegrityError`` if a row
    breaks a constraint (the caller's ``atomic`` then rolls everything back).
    """
    if connection.vendor != "postgresql":
        raise NotImplementedError("Build-and-swap needs PostgreSQL; rewrite the rows in place elsewhere.")
    if not connection.in_atomic_block:
        raise RuntimeError("table_rebuild_swap must run inside transaction.atomic().")
    fresh = f"{table}__rebuild"
    with connection.cursor() as cursor:
        cursor.execute(
            f"LOCK TABLE {table} IN SHARE MODE; "
            f"SET LOCAL maintenance_work_mem = '{REBUILD_MAINTENANCE_WORK_MEM}'"
        )
        structure = _structure(cursor, table)
        cursor.execute(
            f"CREATE {'UNLOGGED ' if structure.unlogged else ''}TABLE {fresh} "
            f"(LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        cursor.execute(
            f"INSERT INTO {fresh} ({', '.join(columns)}) {select_sql}",
            list(params),
        )
        written = cursor.rowcount
        # Indexes and constraints under temporary names (names are unique per schema
        # while the old table lives); each index is one sort, each foreign key one check
        # (or none, NOT VALID).
        renames: list[tuple[str, str, str]] = []  # (kind, temporary, final)
        for number, (name, kind, definition) in enumerate(structure.constraints):
            temporary = f"{fresh}_c{number}"
            if kind == "f":
                cursor.execute(f"ALTER TABLE {fresh} ADD CONSTRAINT {temporary} {definition} NOT VALID")
                if validate_foreign_keys:
                    cursor.execute(f"ALTER TABLE {fresh} VALIDATE CONSTRAINT {temporary}")
            else:
                cursor.execute(f"ALTER TABLE {fresh} ADD CONSTRAINT {temporary} {definition}")
            renames.append(("constraint", temporary, name))
        for number, (name, tail) in enumerate(structure.indexes):
            temporary = f"{fresh}_i{number}"
            unique = "UNIQUE " if tail.startswith("UNIQUE ") else ""
            cursor.execute(f"CREATE {unique}INDEX {temporary} ON {fresh} {tail.removeprefix('UNIQUE ')}")
            renames.append(("index", temporary, name))
        # Statistics now, so the statements that read the table next in this
        # transaction are planned on its real contents.
        cursor.execute(f"ANALYZE {fresh}")
        # Rows written to the live table earlier in this transaction leave deferred
        # foreign-key checks pending, and PostgreSQL refuses to drop a table with pending
        # trigger events: run them now (as Django's check_constraints does).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"DROP TABLE {table}")
        cursor.execute(f"ALTER TABLE {fresh} RENAME TO {table}")
        for kind, temporary, final in renames:
            if kind == "constraint":
                cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {temporary} TO {final}")
            else:
                cursor.execute(f"ALTER INDEX {temporary} RENAME TO {final}")
        if structure.identity_column:
            # The fresh identity sequence takes the name Django and migrations expect.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, structure.identity_column])
            (sequence,) = cursor.fetchone()
            wanted = f"{table}_{structure.identity_column}_seq"
            if sequence.split(".")[-1].strip('"') != wanted:
                cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {wanted}")
    return written

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

Parts built by connections of their own (``selects`` of more than one part): PostgreSQL 15
never gives an ``INSERT ... SELECT`` a parallel plan, so the rows of each part are computed
and written by a connection of its own, at once, all reading ONE snapshot: the caller's
transaction exports it (``pg_export_snapshot()``, after the ``SHARE`` lock) and each helper
imports it (``REPEATABLE READ``, ``SET TRANSACTION SNAPSHOT``), as ``pg_dump --jobs`` does.
The helpers cannot write into a table the caller's transaction created (uncommitted, it is
invisible to them), so the fresh table is created by a helper and committed empty, and each
helper commits its part; the caller's transaction (``READ COMMITTED``: its next statements
see the committed parts) then adds the keys and indexes and swaps it in as above. Readers
never see it half built: nobody reads the fresh table's name, and the live name changes
table only when the caller commits. Crash story: a crash or an error after a helper
committed leaves the fresh table behind, committed, unreferenced and partly filled (an
orphan: disk space, no live data); the next rebuild of the table, on either path, drops it
first, under the caller's locks. Only when the caller's transaction is the outermost and has
written nothing yet (:func:`_parts_in_parallel`): an exported snapshot shows none of its
exporter's own writes, and inside an enclosing transaction (a test's, or a caller's
``atomic``) the helpers could not see the enclosing writes either. Otherwise the parts run
one after the other in the caller's transaction, with the same result.

The live table keeps its name, its columns and defaults (an identity column gets a fresh
sequence, continuing after the rows loaded), and every index and constraint under the
same name and definition, so migrations keep working on it. A table that other tables
reference, or that views depend on, cannot be swapped: ``DROP TABLE`` refuses, loudly.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection, connections

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
    selects: Sequence[tuple[str, Sequence[object]]],
    *,
    validate_foreign_keys: bool = True,
) -> int:
    """Replace every row of ``table`` with the rows of ``selects`` (each an SQL ``SELECT``
    and its parameters, one row per ``columns`` in that order; their rows together, each
    row in one of them), by build-and-swap. Returns the number of rows written.

    Two or more ``selects`` are built at once by connections of their own when the
    caller's transaction allows it (module docstring: one snapshot, the fresh table
    committed by them, an orphan dropped by the next rebuild), else one after the other in
    the caller's transaction; the table swapped in is the same either way.

    ``validate_foreign_keys=False``: the foreign keys are added ``NOT VALID`` and left so
    (still enforced on every later insert, update and delete of a referenced row), without
    the scan that checks the loaded rows. Only for ``selects`` that take each referenced
    row from a join with its table, where a referenced row can only be deleted together
    with the rows of ``table`` that point to it (the ORM's cascade): the ``SHARE`` lock then
    keeps such a delete from committing between the snapshot read and the commit, so no
    loaded row can point to a missing one.

    Must run inside a transaction (``transaction.atomic``); PostgreSQL only. ``table`` and
    ``columns`` are code constants, never user input. Raises ``IntegrityError`` if a row
    breaks a constraint (the caller's ``atomic`` then rolls everything back), and any
    error of a helper connection, after every helper has finished.
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
        # The fresh table left by a crashed or failed build on connections of their own
        # (committed, so it outlived its transaction) is dropped before a new one is made.
        create = (
            f"DROP TABLE IF EXISTS {fresh}; "
            f"CREATE {'UNLOGGED ' if structure.unlogged else ''}TABLE {fresh} "
            f"(LIKE {table} INCLUDING DEFAULTS INCLUDING IDENTITY)"
        )
        inserts = [(f"INSERT INTO {fresh} ({', '.join(columns)}) {sql}", list(params)) for sql, params in selects]
        if len(inserts) > 1 and _parts_in_parallel(cursor):
            written = _parts_built_in_parallel(cursor, create, inserts)
        else:
            cursor.execute(create)
            written = 0
            for sql, params in inserts:
                cursor.execute(sql, params)
                written += cursor.rowcount
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


def _parts_in_parallel(cursor) -> bool:
    """Whether the parts may be built by connections of their own: the caller's
    transaction is the outermost (so its commit is the swap's, and no enclosing
    transaction holds writes the helpers could not see) and has written nothing (no
    transaction id yet: the snapshot it exports shows the helpers what it sees itself)."""
    if len(connection.atomic_blocks) != 1:
        return False
    cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
    return bool(cursor.fetchone()[0])


def _parts_built_in_parallel(cursor, create: str, inserts: list[tuple[str, list]]) -> int:
    """Export the caller's snapshot; on helper connections, create and commit the fresh
    table (dropping an orphan), then run each insert on a connection of its own at once,
    each importing the snapshot under the caller's settings, each committing its part.
    Returns the rows written. An error in a helper is raised once all have finished; its
    part is rolled back, the committed fresh table stays behind for the next build to drop."""
    cursor.execute("SELECT pg_export_snapshot()")
    (snapshot,) = cursor.fetchone()
    # What the caller set for its transaction or session (JIT, work_mem, ...): the helpers'
    # plans and memory the same as on the single-connection path.
    cursor.execute(
        "SELECT name, current_setting(name) FROM pg_settings "
        "WHERE source = 'session' AND name NOT LIKE 'transaction\\_%'"
    )
    caller_settings = cursor.fetchall()
    helpers = [connections.create_connection(connection.alias) for _ in inserts]
    try:
        for helper in helpers:
            helper.inc_thread_sharing()
        with helpers[0].cursor() as helper_cursor:  # autocommit: committed before the parts start
            helper_cursor.execute(create)
        with ThreadPoolExecutor(max_workers=len(inserts)) as pool:
            futures = [
                pool.submit(_part_insert, helper, snapshot, caller_settings, sql, params)
                for helper, (sql, params) in zip(helpers, inserts)
            ]
        return sum(future.result() for future in futures)
    finally:
        for helper in helpers:
            helper.close()


def _part_insert(helper, snapshot: str, caller_settings: list[tuple[str, str]], sql: str, params: list) -> int:
    """One part's insert on ``helper`` (a connection in autocommit), in a transaction of its
    own reading ``snapshot``; committed. Returns the rows written."""
    with helper.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
        for name, value in caller_settings:
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute(sql, params)
        written = cursor.rowcount
        cursor.execute("COMMIT")
    return written

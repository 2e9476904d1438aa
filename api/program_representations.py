"""Each program's API representation kept as JSON text, current in every transaction.

Why: the list endpoint's page statement spent ~0.15 ms a program building ~60 pieces of
text (seven related lists, funding, timestamps) on every request; a page of 1,000 took
PostgreSQL 4-6 times the bare read of the same rows. Here each program's text is built
once per change and the page concatenates stored texts (``docs/performance.md``, API).

How it stays current (a stale representation is a correctness bug, not a slow page):
PostgreSQL triggers, statement-level with transition tables, on every table the
representation reads, rebuild the rows of the programs a statement touched before the
statement returns, in its transaction, whatever wrote it (services, importer, admin,
``QuerySet.update``, bulk inserts, raw SQL, cascading deletes):

- the program table (insert, delete, and updates that change a represented column);
- the program's funding and its seven many-to-many tables (insert, update, delete);
- the reference rows the text quotes: the lead agency's code, countries' ISO codes,
  goals' codes and sort order, sectors' DAC codes (updates of those columns);
- ``TRUNCATE`` of any of the program tables: everything rebuilt.

Concurrency (READ COMMITTED, Django's default): a rebuild first locks the programs'
stored rows in id order, then computes from a fresh snapshot, so two transactions
changing one program's inputs rebuild one after the other and the second sees the
first's commit. A reference change takes the transaction advisory lock
``REFERENCE_LOCK`` exclusively and every rebuild takes it shared, so a rename and a new
link to the renamed row never both miss each other. (Under REPEATABLE READ the row lock
raises a serialization failure instead of rebuilding from an old snapshot.)

Cost: one rebuild per statement for the set of programs it touched (not one per row): a
one-program write adds ~0.5 ms, 1,000 programs ~0.1 s (``docs/performance.md``). A
statement touching few programs runs the rebuild from plans made once per session; one
touching many plans it for its ids (:data:`FEW_PROGRAMS`).

The SQL that builds the text is :data:`api.program_rows_json.PROGRAM_REPRESENTATIONS`
(one definition). :func:`representations_install` (run after every ``migrate``)
(re)creates the functions and triggers and rebuilds every row when that definition
changed (its hash is kept as the table's comment). PostgreSQL only.
"""
from __future__ import annotations

import hashlib
import zlib

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from programs.models import Agency, Funding, Program

from .models import ProgramRepresentation
from .program_rows import COLUMNS, RELATED
from .program_rows_json import PROGRAM_REPRESENTATIONS

STORE = ProgramRepresentation._meta.db_table
PROGRAMS = Program._meta.db_table
# (class 4243, crc32 of the name) as infrastructure.locks keys its scopes (class 4242)
REFERENCE_LOCK = (4243, zlib.crc32(b"api.program_representations") - 2**31)
PREFIX = "api_program_representation"  # the SQL functions
TRIGGER_PREFIX = "api_program_text"  # the triggers and their functions (names fit in 63 bytes)


def _column(name: str) -> str:
    return Program._meta.get_field(name.removesuffix("_id")).column


# The program's own columns the text quotes (the lead agency's code comes from its table).
PROGRAM_COLUMNS = tuple(_column(name) for name in COLUMNS if "__" not in name)


def _through(relation: str) -> str:
    return Program._meta.get_field(relation).remote_field.through._meta.db_table


# Tables with a program_id column whose rows the text quotes.
PROGRAM_ROWS_TABLES = (Funding._meta.db_table, *(_through(relation) for relation, *_ in RELATED))


def _reference_tables() -> list[tuple[str, tuple[str, ...], str]]:
    """(table, quoted columns, SQL of the ids of the programs quoting the rows ``changed``)."""
    agencies = (Agency._meta.db_table, ("code",), f"SELECT p.id FROM {PROGRAMS} p WHERE p.lead_agency_id = ANY(changed)")
    references = [agencies]
    for relation, target, code, order in RELATED:
        if not code:
            continue  # a list of ids only quotes the through table
        through = Program._meta.get_field(relation).remote_field.through
        related = through._meta.get_field(target).related_model._meta.db_table
        columns = tuple(column for column in (code, order) if column)
        references.append((related, columns, f"SELECT t.program_id FROM {through._meta.db_table} t WHERE t.{target}_id = ANY(changed)"))
    return references


def _changed(columns: tuple[str, ...], key: str) -> str:
    """Keys of the rows an UPDATE changed in one of ``columns`` (transition tables)."""
    old = ", ".join(f"o.{column}" for column in columns)
    new = ", ".join(f"n.{column}" for column in columns)
    return f"SELECT n.{key} FROM new_rows n JOIN old_rows o ON o.{key} = n.{key} WHERE ({old}) IS DISTINCT FROM ({new})"


def _trigger_name(event: str, table: str) -> str:
    name = f"{TRIGGER_PREFIX}_after_{event.lower()}_{table.removeprefix('programs_')}"
    # PostgreSQL cuts longer names silently: two could then become one function
    assert len(name) <= 63, name
    return name


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        f"DECLARE changed bigint[];\nBEGIN\n{body}\nRETURN NULL;\nEND $body$"
    )


def _trigger(table: str, name: str, event: str) -> list[str]:
    referencing = {
        "INSERT": "REFERENCING NEW TABLE AS new_rows",
        "DELETE": "REFERENCING OLD TABLE AS old_rows",
        "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "TRUNCATE": "",
    }[event]
    trigger = name
    return [
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"CREATE TRIGGER {trigger} AFTER {event} ON {table} {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {trigger}()",
    ]


def _refresh(ids_sql: str) -> str:
    return f"PERFORM {PREFIX}_refresh(ARRAY({ids_sql}));"


# How the rebuild's statements are planned, by the number of programs a statement touched.
# A plan made for each call's ids (custom) cost 1.5-3 ms of planning, most of a one-program
# write; the plan made once per session (generic) is the same plan and runs as fast for 1
# to 20,000 ids on analyzed tables (docs/performance.md), but it is made for ten ids and
# the table statistics of its first call, so many programs keep a plan made for them.
FEW_PROGRAMS = 100
REFRESH_PLANS = {"few": "force_generic_plan", "many": "force_custom_plan"}


def _refresh_function(name: str, plans: str) -> str:
    """``api_program_representation_refresh_<name>(changed)``: rebuild the stored texts of the programs
    ``changed`` (distinct ids in order, none null), with ``plans`` as its plan cache mode."""
    return f"""CREATE OR REPLACE FUNCTION {PREFIX}_refresh_{name}(changed bigint[]) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = {plans} AS $body$
BEGIN
  PERFORM pg_advisory_xact_lock_shared({REFERENCE_LOCK[0]}, {REFERENCE_LOCK[1]});
  INSERT INTO {STORE} (program_id, body) SELECT id, '' FROM unnest(changed) AS id ORDER BY id
    ON CONFLICT (program_id) DO NOTHING;
  PERFORM 1 FROM {STORE} s WHERE s.program_id = ANY(changed) ORDER BY s.program_id FOR UPDATE;
  -- each statement below reads a fresh snapshot: every commit that held these rows is seen
  DELETE FROM {STORE} s WHERE s.program_id = ANY(changed)
    AND NOT EXISTS (SELECT 1 FROM {PROGRAMS} p WHERE p.id = s.program_id);
  UPDATE {STORE} s SET body = r.body FROM {PREFIX}s(changed) r WHERE s.program_id = r.program_id;
END $body$"""


def representations_sql() -> list[str]:
    """The statements creating the functions and triggers (idempotent), in order."""
    statements = [
        f"CREATE OR REPLACE FUNCTION {PREFIX}s(ids bigint[]) RETURNS TABLE (program_id bigint, body text) "
        f"LANGUAGE sql STABLE AS $body$\n{PROGRAM_REPRESENTATIONS}\n$body$",
        # One program's text for a page that finds none stored: PL/pgSQL, so that a page's
        # statement does not inline (and plan, ~9 ms a fresh session) the whole build.
        f"CREATE OR REPLACE FUNCTION {PREFIX}_of(program bigint) RETURNS text LANGUAGE plpgsql STABLE AS $body$\n"
        f"BEGIN RETURN (SELECT r.body FROM {PREFIX}s(ARRAY[program]) r); END $body$",
        *(_refresh_function(name, plans) for name, plans in REFRESH_PLANS.items()),
        f"""CREATE OR REPLACE FUNCTION {PREFIX}_refresh(changed bigint[]) RETURNS void LANGUAGE plpgsql AS $body$
BEGIN
  changed := ARRAY(SELECT DISTINCT id FROM unnest(changed) AS id WHERE id IS NOT NULL ORDER BY id);
  IF cardinality(changed) = 0 THEN RETURN; END IF;
  IF cardinality(changed) <= {FEW_PROGRAMS} THEN PERFORM {PREFIX}_refresh_few(changed);
  ELSE PERFORM {PREFIX}_refresh_many(changed);
  END IF;
END $body$""",
        f"""CREATE OR REPLACE FUNCTION {PREFIX}_rebuild() RETURNS void LANGUAGE plpgsql AS $body$
BEGIN
  PERFORM pg_advisory_xact_lock({REFERENCE_LOCK[0]}, {REFERENCE_LOCK[1]});
  LOCK TABLE {STORE} IN EXCLUSIVE MODE;
  DELETE FROM {STORE};
  INSERT INTO {STORE} (program_id, body) SELECT r.program_id, r.body FROM {PREFIX}s(ARRAY(SELECT id FROM {PROGRAMS})) r;
END $body$""",
    ]
    keyed = [(PROGRAMS, "id", PROGRAM_COLUMNS), *((table, "program_id", None) for table in PROGRAM_ROWS_TABLES)]
    for table, key, columns in keyed:
        updated = _changed(columns, key) if columns else f"SELECT {key} FROM old_rows UNION ALL SELECT {key} FROM new_rows"
        for event, ids in (("INSERT", f"SELECT {key} FROM new_rows"), ("DELETE", f"SELECT {key} FROM old_rows"), ("UPDATE", updated)):
            name = _trigger_name(event, table)
            statements += [_function(name, _refresh(ids)), *_trigger(table, name, event)]
        name = _trigger_name("TRUNCATE", table)
        statements += [_function(name, f"PERFORM {PREFIX}_rebuild();"), *_trigger(table, name, "TRUNCATE")]
    for table, columns, programs in _reference_tables():
        name = _trigger_name("UPDATE", table)
        body = (
            f"PERFORM pg_advisory_xact_lock({REFERENCE_LOCK[0]}, {REFERENCE_LOCK[1]});\n"
            f"changed := ARRAY({_changed(columns, 'id')});\n"
            "IF cardinality(changed) > 0 THEN\n"
            f"  -- a fresh snapshot, after the lock: links committed meanwhile are seen\n"
            f"  {_refresh(programs)}\n"
            "END IF;"
        )
        statements += [_function(name, body), *_trigger(table, name, "UPDATE")]
    return statements


def definition_hash() -> str:
    """Changes whenever the representation's SQL or the triggers' do."""
    return hashlib.sha256("\n".join(representations_sql()).encode()).hexdigest()


def representations_install(*, using: str = "default", connection: BaseDatabaseWrapper | None = None) -> bool:
    """(Re)create the functions and triggers (dropping an earlier definition's first);
    rebuild every stored representation when their definition changed since the last install (or was never installed). Returns
    whether it rebuilt. Idempotent; nothing on a database other than PostgreSQL, nor
    before the tables exist (``migrate`` to an earlier target)."""
    connection = connection or connections[using]
    if connection.vendor != "postgresql":
        return False
    current = definition_hash()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s), to_regclass(%s)", [STORE, PROGRAMS])
        if None in cursor.fetchone():  # a migrate to a target before these tables exist
            return False
        cursor.execute("SELECT obj_description(%s::regclass, 'pg_class')", [STORE])
        installed = cursor.fetchone()[0]
        if installed == current:
            return False
        # what an earlier definition created goes first (a trigger it had may be gone now)
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.proname LIKE %s OR p.proname LIKE %s",
            [f"{PREFIX}%", f"{TRIGGER_PREFIX}%"],
        )
        for (signature,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
        for statement in representations_sql():
            cursor.execute(statement)
        cursor.execute(f"SELECT {PREFIX}_rebuild()")
        cursor.execute(f"COMMENT ON TABLE {STORE} IS '{current}'")
    return True


def representations_install_after_migrate(sender, *, using: str = "default", **kwargs) -> None:
    """post_migrate receiver (connected in ApiConfig.ready)."""
    representations_install(using=using)

"""Setting up a database's schema: ``migrate``, with a fast path for a fresh one.

Applying the project's migrations one by one to an empty database spends nearly all its
time in Django re-rendering the migration state (every operation reloads the models
related to the one it touches, and nearly every model reaches the user model through its
history): about two minutes on a loaded 2-core machine, most of ``make start``. A fresh
database (no tables at all) is instead created from the models in one pass, as Django's
test runner does with ``MIGRATE: False`` (``migrate --run-syncdb`` with migrations
disabled); every migration is then recorded as applied (``migrate --fake``) and their
data steps (``RunPython``: the assessment framework seeds, the figures cache table, and
backfills that find nothing to do) run once, in migration order, against the models.
``post_migrate`` runs as after any migrate (the role groups, content types and
permissions). A database that has tables migrates as usual, so later migrations (other
engineers', or after an upgrade) apply normally.

The fast path relies on the models and the migrations describing the same schema, which
``makemigrations --check`` guards (CI) and ``tests/operations/test_schema_setup.py``
compares table by table.

A PostgreSQL database that does not exist yet is created first (``database_create_if_missing``),
so ``make start`` with ``DATABASE_URL`` naming a new database needs no ``createdb``.
"""
from __future__ import annotations

from typing import TextIO

from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython
from django.test.utils import override_settings


class _NoMigrations:
    """MIGRATION_MODULES that disables every app's migrations (Django's test runner's way)."""

    def __contains__(self, item: str) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def database_is_fresh(database: str = "default") -> bool:
    """Whether the database has no tables at all (not even django_migrations)."""
    return not connections[database].introspection.table_names()


def database_create_if_missing(database: str = "default") -> str | None:
    """Create the PostgreSQL database that ``DATABASES[database]`` names when the server
    answers that it does not exist, through the server's maintenance database
    (``postgres``, else ``template1``) with the same credentials, as Django's test runner
    creates test databases. Returns the created database's name, or None (it existed, or
    SQLite, which creates its file itself). Other connection errors (server down, wrong
    password, no right to create databases) are raised as they are."""
    connection = connections[database]
    if connection.vendor != "postgresql":
        return None
    name = connection.settings_dict["NAME"]
    try:
        connection.ensure_connection()
        return None
    except OperationalError as exc:
        # psycopg2 gives no SQLSTATE (3D000) for a refused connection: the server's words.
        if f'database "{name}" does not exist' not in str(exc):
            raise
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    return name


def schema_setup(*, database: str = "default", stdout: TextIO | None = None) -> str:
    """Bring the database to the latest schema; returns "created" (the fresh-database
    fast path) or "migrated" (ordinary ``migrate``)."""
    if not database_is_fresh(database):
        call_command("migrate", database=database, interactive=False, verbosity=1, stdout=stdout)
        return "migrated"
    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        call_command("migrate", database=database, run_syncdb=True, interactive=False, verbosity=0)
    call_command("migrate", database=database, fake=True, interactive=False, verbosity=0)
    data_steps_run(database)
    return "created"


def data_steps_run(database: str = "default") -> int:
    """Run the forward ``RunPython`` steps of every migration, in migration order, with the
    current models; returns how many ran."""
    connection = connections[database]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    ran = 0
    with connection.schema_editor(atomic=True) as schema_editor:
        for migration, _ in plan:
            for operation in migration.operations:
                if isinstance(operation, RunPython) and operation.code is not RunPython.noop:
                    operation.code(global_apps, schema_editor)
                    ran += 1
    return ran

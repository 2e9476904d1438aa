"""The backup-and-restore drill (ops/backup_restore.sh, docs/backup-restore.md) on a small
copy: dump the test database, restore it into a fresh one, compare every table's count."""
import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "ops" / "backup_restore.sh"


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _psql(url: str, sql: str) -> str:
    return subprocess.run(["psql", "-XAt", url, "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_drill_{os.getpid()}"
    yield name
    server = _database_url().rsplit("/", 1)[0]
    _psql(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{name}"')


def test_dump_restore_into_a_fresh_database_keeps_every_row(restored_name, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the drill is for PostgreSQL")
    # Given a small portfolio, committed: a program with funding, an MOE, a measurement
    program = factories.ProgramFactory(code="DRILL-2026-0001")
    factories.FundingFactory(program=program)
    factories.MeasurementFactory(moe=factories.MoeFactory(program=program))

    # When the drill dumps the database and restores it into a fresh one (kept to look inside)
    dump = tmp_path / "portal.dump"
    result = subprocess.run(
        [str(SCRIPT), _database_url(), str(dump)],
        env={**os.environ, "RESTORE_DB": restored_name, "KEEP_RESTORED": "1"},
        capture_output=True, text=True, timeout=300,
    )

    # Then every table has the same count, and the restored database holds the program
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK:" in result.stdout and "identical counts" in result.stdout
    tables = int(result.stdout.split("OK: ")[1].split(" tables")[0])
    assert tables >= 50  # every app's tables and history tables, not an empty schema
    assert dump.stat().st_size > 0
    server = _database_url().rsplit("/", 1)[0]
    restored = f"{server}/{restored_name}"
    assert _psql(restored, "SELECT title FROM programs_program WHERE code = 'DRILL-2026-0001'") == program.title
    assert _psql(restored, "SELECT count(*) FROM programs_measurement") == "1"


def test_restoring_over_an_existing_database_is_refused(restored_name, tmp_path):
    """The drill restores only into a fresh database: never over one that holds data."""
    if connection.vendor != "postgresql":
        pytest.skip("the drill is for PostgreSQL")
    server = _database_url().rsplit("/", 1)[0]
    _psql(f"{server}/postgres", f'CREATE DATABASE "{restored_name}"')
    _psql(f"{server}/{restored_name}", "CREATE TABLE programs_program (id int)")
    result = subprocess.run(
        [str(SCRIPT), _database_url(), str(tmp_path / "portal.dump")],
        env={**os.environ, "RESTORE_DB": restored_name}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode != 0
    assert "OK:" not in result.stdout and "already exists" in result.stderr
    assert _psql(f"{server}/{restored_name}", "SELECT count(*) FROM programs_program") == "0"

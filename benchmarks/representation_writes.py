"""Benchmark: what the stored program representations' triggers add to writes (not a test).

``api.program_representations`` keeps each program's API text current with statement-level
triggers; every write to a program, its funding, its seven link tables or a quoted
reference column rebuilds the texts of the programs the statement touched. This times, on
the database's own programs, the same statements with the triggers and with them disabled
(``ALTER TABLE ... DISABLE TRIGGER`` for the ``api_program_text_*`` triggers of the
table, inside the measured transaction, in a second session), interleaved, each in its own transaction rolled
back (the database ends as it was):

- one program's title ``UPDATE`` (a warm session; the first statement of a new session is
  printed apart: it plans the functions);
- an ``UPDATE`` of 100 programs' titles (the most rebuilt from plans made once) and of 1,000;
- an ``INSERT ... SELECT`` of 1,000 funding rows (fiscal year 2099, one a program);
- a ``DELETE`` of the country links of 1,000 programs.

Prints the median milliseconds with and without the triggers, their difference per
program and the load average before and after. It writes and rolls back, and alters the
tables inside its transactions: run it on a copy of a shared database
(``createdb -h 127.0.0.1 -U postgres -T ssa_perf ssa_perf_mine``), drop the copy after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_perf_mine .venv/bin/python benchmarks/representation_writes.py [--repeat 7]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.db import connection  # noqa: E402

from api.program_representations import TRIGGER_PREFIX  # noqa: E402
from benchmarks.two_sizes import load_average  # noqa: E402

SET_SIZE = 1000
FEW = 100  # api.program_representations.FEW_PROGRAMS: the most programs rebuilt from plans made once


def _first(count: int) -> str:
    return f"(SELECT id FROM programs_program ORDER BY id LIMIT {count})"


def _update(count: int) -> str:
    return f"UPDATE programs_program SET title = title || ' (b)' WHERE id IN {_first(count)}"


# (label, table whose triggers are switched off for the bare figure, statement, programs touched)
CASES = (
    ("one program UPDATE", "programs_program", _update(1), 1),
    (f"{FEW}-program UPDATE", "programs_program", _update(FEW), FEW),
    (f"{SET_SIZE:,}-program UPDATE", "programs_program", _update(SET_SIZE), SET_SIZE),
    (f"{SET_SIZE:,}-row funding INSERT ... SELECT", "programs_funding",
     "INSERT INTO programs_funding (program_id, fiscal_year, planned, obligated, disbursed, version, created_at, updated_at) "
     f"SELECT id, 2099, 1000, 500, 100, 1, now(), now() FROM {_first(SET_SIZE)} AS first", SET_SIZE),
    (f"{SET_SIZE:,}-program country links DELETE", "programs_program_countries",
     f"DELETE FROM programs_program_countries WHERE program_id IN {_first(SET_SIZE)}", SET_SIZE),
)


def _session():
    """A new database session of its own (psycopg2, the project's driver)."""
    settings = connection.settings_dict
    return psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
                            host=settings["HOST"], port=settings["PORT"] or None)


def _triggers(session, table: str) -> list[str]:
    with session.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgname LIKE %s",
            [table, f"{TRIGGER_PREFIX}%"],
        )
        names = [name for (name,) in cursor.fetchall()]
    session.rollback()
    return names


def timed(session, statement: str, table: str, *, triggers: bool) -> float:
    """Milliseconds of ``statement`` in a transaction of ``session`` rolled back after
    (the triggers of ``table`` disabled in it unless ``triggers``). The bare figures use a
    session of their own: disabling a trigger invalidates the session's cached plans,
    which would make the next figure with triggers pay planning again."""
    try:
        with session.cursor() as cursor:
            if not triggers:
                for name in _triggers(session, table):
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
            started = time.perf_counter()
            cursor.execute(statement)
            return (time.perf_counter() - started) * 1000
    finally:
        session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The representations' triggers exist on PostgreSQL only.")
    with_triggers_session, bare_session = _session(), _session()
    if not _triggers(bare_session, "programs_program"):
        sys.exit("No api_program_text_* triggers: run manage.py migrate first.")
    print(f"database {connection.settings_dict['NAME']}; load average {load_average()}")
    label, table, statement, _ = CASES[0]
    first = timed(with_triggers_session, statement, table, triggers=True)
    first_bare = timed(bare_session, statement, table, triggers=False)
    print(f"{'statement':<40} {'triggers ms':>12} {'bare ms':>9} {'added ms':>9} {'added / program':>16}")
    for label, table, statement, programs in CASES:
        timed(with_triggers_session, statement, table, triggers=True)  # warm both sessions' plans
        timed(bare_session, statement, table, triggers=False)
        with_triggers, bare = [], []
        for _ in range(args.repeat):
            with_triggers.append(timed(with_triggers_session, statement, table, triggers=True))
            bare.append(timed(bare_session, statement, table, triggers=False))
        added = statistics.median(with_triggers) - statistics.median(bare)
        print(f"{label:<40} {statistics.median(with_triggers):>12.2f} {statistics.median(bare):>9.2f} "
              f"{added:>9.2f} {added / programs * 1000:>13.0f} us")
    print(f"one program UPDATE, first statement of a new session: {first:.2f} ms (bare {first_bare:.2f} ms)")
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()

"""Benchmark of the coordination findings' whole build (not a test): the first build a
database whose findings were never built pays on its first dashboard view
(``evaluations.services.coordination_findings.findings_rebuild(force=True)``).

Each run builds every rule inside a transaction that is then rolled back (the stored
findings stay as they were; the table's files still take the rows, vacuumed away before
the next run, so run it on a copy: ``createdb -h 127.0.0.1 -U postgres -T ssa_perf
ssa_perf_mine``; on a copy whose findings were never built, each run is a first build).
Prints, per run, the whole build's time, the database backend's CPU time (from
``/proc/<pid>/stat``, so only on the database's own machine; steadier than the time on a
loaded machine) and each statement's time (each rule's ``INSERT ... SELECT``, the overlap
rule's fiscal years, the rest), then the medians and the load average.
``--explain`` prints each rule's ``EXPLAIN (ANALYZE, BUFFERS)`` once (also rolled back).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_perf_mine .venv/bin/python benchmarks/findings.py --repeat 5
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


def _backend_cpu_seconds(cursor) -> float | None:
    """The database backend's CPU time so far (user + system), None when its process is
    not readable here (another machine)."""
    cursor.execute("SELECT pg_backend_pid()")
    (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _statement_label(sql: str, params) -> str:
    """What a statement of the build is: a rule's insert (its name is the first parameter),
    the overlap rule's fiscal years, or the rest (lock, versions, delete, the build row)."""
    if sql.lstrip().startswith("INSERT INTO evaluations_coordinationfinding"):
        return f"insert {params[0]}"
    if "MIN(p.start_fy), MAX(p.end_fy)" in sql:
        return "overlap's fiscal years"
    return "other"


def _build_once() -> dict:
    """One whole build, rolled back: {"ms", "cpu_ms", "statements": [(label, ms)]}."""
    from django.db import connection, transaction

    from evaluations.services.coordination_findings import findings_rebuild

    statements = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((_statement_label(sql, params), (time.perf_counter() - started) * 1000))

    with connection.cursor() as cursor:  # the previous run's rolled-back rows: trailing pages truncated
        cursor.execute("VACUUM evaluations_coordinationfinding")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cpu_before = _backend_cpu_seconds(cursor)
        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            findings_rebuild(force=True)
        elapsed = (time.perf_counter() - started) * 1000
        with connection.cursor() as cursor:
            cpu_after = _backend_cpu_seconds(cursor)
        transaction.set_rollback(True)
    cpu = None if cpu_before is None else (cpu_after - cpu_before) * 1000
    return {"ms": elapsed, "cpu_ms": cpu, "statements": statements}


def _explain() -> None:
    from django.db import connection, transaction

    from evaluations.selectors.coordination_rules import RULES, rule_settings_for_transaction
    from evaluations.services.coordination_findings import _insert_statement

    for rule in RULES:
        with transaction.atomic():
            rule_settings_for_transaction()
            sql, params = _insert_statement(rule)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print(f"== {rule}")
                print("\n".join(row[0] for row in cursor.fetchall()))
            transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print each rule's EXPLAIN ANALYZE once")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    from evaluations.models import CoordinationFinding
    from programs.models import Program

    print(f"{Program.objects.count():,} programs; {CoordinationFinding.objects.count():,} findings stored "
          f"(left as they are); load average {os.getloadavg()[0]:.2f}")
    if args.explain:
        _explain()
    runs = [_build_once() for _ in range(args.repeat)]
    labels = list(dict.fromkeys(label for run in runs for label, _ in run["statements"]))
    for number, run in enumerate(runs, 1):
        cpu = "" if run["cpu_ms"] is None else f", database CPU {run['cpu_ms']:.0f} ms"
        print(f"run {number}: whole build {run['ms']:.0f} ms{cpu}")
    print("\nmedian ms per statement kind:")
    for label in labels:
        per_run = [sum(ms for name, ms in run["statements"] if name == label) for run in runs]
        print(f"  {label:24s} {statistics.median(per_run):7.0f}")
    cpus = [run["cpu_ms"] for run in runs if run["cpu_ms"] is not None]
    print(f"\nwhole build: median {statistics.median(run['ms'] for run in runs):.0f} ms"
          + (f", database CPU median {statistics.median(cpus):.0f} ms" if cpus else "")
          + f" ({args.repeat} runs; goal: under 400 ms at the large size); load average {os.getloadavg()[0]:.2f}, "
          f"{os.cpu_count()} cores; {connection.vendor}")


if __name__ == "__main__":
    main()

"""Benchmark of the MOE rollup recompute (not a test).

Generates (once) a large portfolio in PostgreSQL with ``manage.py generate_benchmark_data``
(>= 1,000,000 measurements by default), then prints:

* the full recompute time (``evaluations.services.rollups.rollups_recompute()``: MOE-period
  achievements, program, country, region and goal rollups, written to the summary tables);
* the time of one hand-written read-only SQL statement computing the same country,
  region and goal figures straight from the raw tables (the floor);
* their ratio;
* the incremental recompute time after one measurement changes, its query count, and the
  sequential scans its statements' plans make over tables of more than 10,000 rows (none
  expected: every statement reads its scope through an index);
* where the last full recompute's time went, per statement (the longest ones), and the
  time outside its connection's statements (the MOE-period parts built at once on
  connections of their own, ``infrastructure/table_swap.py``).

Run it against a dedicated database (it migrates it and loads reference data):

    createdb -h 127.0.0.1 -U postgres ssa_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_bench .venv/bin/python benchmarks/rollups.py

or against several databases in one run (one process each, in turn; each must already
hold its portfolio, e.g. 100,000 and 1,000,000 measurements), which also prints how the
incremental recompute time grows from the first to the last:

    .venv/bin/python benchmarks/rollups.py --databases postgres://…/ssa_bench_100k postgres://…/ssa_bench

``--incremental-only`` skips the full recompute and the floor (the database must hold a
full recompute already) and times the incremental recompute alone.

Receivers of ``country_rollups_changed`` (selectivity recompute) are disconnected while
timing, so the figures are the rollups' own.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")


def _timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def _seq_scans(plan: dict) -> list[tuple[str, float]]:
    """(table, estimated rows) of every sequential scan in an ``EXPLAIN (FORMAT JSON)`` plan node."""
    found = [(plan["Relation Name"], plan["Plan Rows"])] if plan["Node Type"] == "Seq Scan" else []
    for child in plan.get("Plans", []):
        found.extend(_seq_scans(child))
    return found


def _large_seq_scans(statements: list[str]) -> list[str]:
    """The sequential scans over tables of more than 10,000 rows in the plans of these
    statements (planned, not run, in a transaction under the recompute's settings and
    rolled back), as "table (statement number)"."""
    from django.db import connection, transaction
    from infrastructure.sql import bulk_settings_for_transaction

    found = []
    with transaction.atomic(), connection.cursor() as cursor:
        bulk_settings_for_transaction()
        for number, sql in enumerate(statements, 1):
            if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            for table, _ in _seq_scans(cursor.fetchone()[0][0]["Plan"]):
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
                if cursor.fetchone()[0] > 10_000:
                    found.append(f"{table} ({number})")
        transaction.set_rollback(True)
    return found


def _several(args) -> None:
    """One child process per database (:func:`benchmarks.two_sizes.each_database`); a
    summary of the figures side by side."""
    from benchmarks.two_sizes import each_database

    figures = each_database(__file__, args.databases, ["--repeat", str(args.repeat)]
                            + (["--incremental-only"] if args.incremental_only else []))
    print(f"\n{'measurements':>13} {'full s':>8} {'floor s':>8} {'ratio':>6} {'incr. ms':>9} {'incr. queries':>14} "
          f"{'incr. large seq scans':>22}")
    for f in figures:
        full = (f"{f['full']:>8.2f} {f['floor']:>8.2f} {f['full'] / f['floor']:>6.2f}" if f["full"]
                else f"{'-':>8} {'-':>8} {'-':>6}")
        print(f"{f['measurements']:>13,} {full} {f['incremental'] * 1000:>9.0f} {f['incremental_queries']:>14} "
              f"{len(f['incremental_seq_scans']):>22}")
    first, last = figures[0], figures[-1]
    print(f"Incremental recompute, largest / smallest portfolio: {last['incremental'] / first['incremental']:.2f} "
          f"(load average now {os.getloadavg()[0]:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measurements", type=int, default=1_000_000)
    parser.add_argument("--moes", type=int, default=100_000)
    parser.add_argument("--programs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", nargs="+", help="database URLs, one child process each")
    parser.add_argument("--incremental-only", action="store_true",
                        help="time the incremental recompute only (the database holds a full recompute)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.databases:
        _several(args)
        return

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database dedicated to the benchmark.")
    call_command("migrate", verbosity=0)

    from evaluations.computations.rollups_sql import portfolio_floor_query
    from infrastructure.sql import bulk_settings_for_transaction
    from evaluations.models import CountryRollup, GoalRollup, RegionRollup
    from evaluations.services.rollups import rollups_recompute
    from evaluations.signals import country_rollups_changed
    from programs.fiscal import funding_window
    from programs.models import Country, Measurement
    from programs.services.reference_data import reference_data_load

    if not Country.objects.exists():
        reference_data_load()
    if not Measurement.objects.exists():
        print(f"Generating {args.measurements:,} measurements (once)...", flush=True)
        call_command("generate_benchmark_data", measurements=args.measurements, moes=args.moes,
                     programs=args.programs, verbosity=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'approved') FROM programs_measurement")
        measurements, approved = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM programs_measureofeffectiveness")
        moes = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM programs_program")
        programs = cursor.fetchone()[0]
    print(f"Portfolio: {programs:,} programs, {moes:,} MOEs, {measurements:,} measurements ({approved:,} approved)")

    receivers = country_rollups_changed.receivers[:]
    country_rollups_changed.receivers.clear()
    country_rollups_changed.sender_receivers_cache.clear()
    try:
        full = floor_times = None
        if not args.incremental_only:
            with CaptureQueriesContext(connection) as full_queries:
                full = _timed(rollups_recompute, args.repeat)
            last_full = full_queries.captured_queries[-len(full_queries) // args.repeat:]
            window = funding_window(timezone.localdate())
            floor_sql = portfolio_floor_query(window)

            def floor() -> None:
                # Under the recompute's own settings (JIT off, work_mem), so the ratio compares like with like.
                with transaction.atomic(), connection.cursor() as cursor:
                    bulk_settings_for_transaction()
                    cursor.execute(floor_sql)
                    floor.rows = cursor.fetchall()

            floor_times = _timed(floor, args.repeat)
            # The floor computes the same figures: check it against the stored ones.
            stored = {}
            for kind, model, key in (("country", CountryRollup, "country_id"), ("region", RegionRollup, "region_id"),
                                     ("goal", GoalRollup, "goal_id")):
                for group_id, achievement in model.objects.values_list(key, "achievement"):
                    stored[(kind, group_id)] = achievement
            mismatches = sum(
                1 for kind, group_id, achievement, *_ in floor.rows
                if not ((achievement is None and stored[(kind, group_id)] is None)
                        or (achievement is not None and abs(achievement - stored[(kind, group_id)]) < 1e-9))
            )

        rng = random.Random(7)
        candidates = list(
            Measurement.objects.filter(status="approved", moe__program__status="active")
            .values_list("pk", "moe__program_id")[:2000]
        )
        incremental = []
        for _ in range(max(args.repeat, 5) * 2):
            pk, program_id = rng.choice(candidates)
            Measurement.objects.filter(pk=pk).update(value=rng.randint(0, 500))
            with CaptureQueriesContext(connection) as queries:
                incremental.extend(_timed(lambda: rollups_recompute(program_ids=[program_id]), 1))
        seq_scans = _large_seq_scans([query["sql"] for query in queries.captured_queries])
    finally:
        country_rollups_changed.receivers[:] = receivers
        country_rollups_changed.sender_receivers_cache.clear()

    best_full = best_floor = None
    if full is not None:
        best_full, best_floor = min(full), min(floor_times)
        print(f"Full recompute (write all summary tables): best {best_full:.2f} s, "
              f"runs {', '.join(f'{t:.2f}' for t in full)}")
        print(f"Floor (one read-only SQL statement, same figures): best {best_floor:.2f} s, "
              f"runs {', '.join(f'{t:.2f}' for t in floor_times)}; {len(floor.rows):,} figures, "
              f"{mismatches} differ from stored")
        print(f"Ratio full / floor: {best_full / best_floor:.2f}")
        print("Last full recompute, longest statements:")
        for query in sorted(last_full, key=lambda q: -float(q["time"]))[:8]:
            print(f"  {float(query['time']):7.2f} s  {' '.join(query['sql'].split())[:90]}")
        # The MOE-period parts built by connections of their own (infrastructure/table_swap.py)
        # are not this connection's statements: their time is the rest of the run's.
        elsewhere = full[-1] - sum(float(query["time"]) for query in last_full)
        print(f"  {elsewhere:7.2f} s  outside this connection's statements (parts built on helper connections, "
              f"Python)")
    print(f"Incremental recompute after one measurement changes: median {statistics.median(incremental) * 1000:.0f} ms, "
          f"max {max(incremental) * 1000:.0f} ms over {len(incremental)} runs, {len(queries)} queries each; "
          f"sequential scans over tables of more than 10,000 rows: {', '.join(seq_scans) or 'none'}")
    if args.json:
        print(json.dumps({"measurements": measurements, "full": best_full, "floor": best_floor,
                          "incremental": statistics.median(incremental), "incremental_queries": len(queries),
                          "incremental_seq_scans": seq_scans}))


if __name__ == "__main__":
    main()

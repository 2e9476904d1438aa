"""Benchmark of the managers' dashboards (not a test): server time of each page at the
demo size and at the large benchmark size, in one run, and their ratio.

Two dedicated PostgreSQL databases, prepared once:

    createdb -h 127.0.0.1 -U postgres ssa_dash_demo     # load_reference_data + load_demo_data
    createdb -h 127.0.0.1 -U postgres ssa_dash_large    # load_reference_data + generate_benchmark_data
    (then, in each, the rollup and selectivity recomputes: --prepare does all of this)

    .venv/bin/python benchmarks/dashboards.py \
        --demo-db postgres://postgres@127.0.0.1:5432/ssa_dash_demo \
        --large-db postgres://postgres@127.0.0.1:5432/ssa_dash_large [--prepare] [--repeat 7]

Each database is measured in its own process (Django binds one database per process).
Server time = the request through Django's full stack in process (middleware, session,
view, selectors, template), without the network: Django's test client, signed in as a
manager. For each page the first request ("cold") may compute and store the figure
snapshots; the reported server time is the median of the following ``--repeat`` requests
("warm": the figures' inputs unchanged, as between two edits), with the query count and
the web process's own CPU time (``time.process_time``: the database's work is not in it;
steadier than the server time on a loaded machine, where waiting for a core dominates).
Settings as in production where it matters for speed: DEBUG off (cached template loader).

First views (what goal R4 of issue 18 is about): after its warm requests, each page is
requested once after each of two changes of the inputs, made as the portal's writes make
them (the script therefore WRITES: run it on a copy of the large database):

- "after a saved value": an analyst's value saved and its program's rollup recomputed
  (one program rollup's ``computed_at`` moves: every figure set is outdated, the
  coordination findings are not);
- "after a program edit": a program saved (its ``updated_at`` moves: the figures and the
  coordination findings are outdated).

Run without ``REDIS_URL`` (no broker), as here, a view computes outdated figures itself
(with a broker it would serve them for up to ``DASHBOARD_FIGURES_MAX_AGE`` while the
worker refreshes them): the worst case.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

PAGES = [
    ("portfolio", "/dashboards/portfolio/"),
    ("region (bureau AF)", "/dashboards/regions/bureau/AF/"),
    ("region (command EUCOM)", "/dashboards/regions/command/EUCOM/"),
    ("country (largest)", "/dashboards/countries/{iso3}/"),
    ("countries index", "/dashboards/countries/"),
    ("goal coverage", "/dashboards/goal-coverage/"),
    ("flag list (overlaps)", "/dashboards/flags/overlaps/"),
]


def _prepare(kind: str) -> None:
    from django.core.management import call_command

    from programs.models import Program

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    if not Program.objects.exists():
        call_command("load_demo_data" if kind == "demo" else "generate_benchmark_data", verbosity=0)
    from assessments.services import selectivity_recompute
    from evaluations.services.rollups import rollups_recompute

    rollups_recompute()
    selectivity_recompute()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _value_saved() -> None:
    """What an analyst's saved value does to the inputs: its program's rollup recomputed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE evaluations_programrollup SET computed_at = now() "
                       "WHERE program_id = (SELECT MIN(program_id) FROM evaluations_programrollup)")


def _program_edited() -> None:
    """What a saved program does to the inputs: its ``updated_at`` moves."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE programs_program SET updated_at = now() WHERE id = (SELECT MIN(id) FROM programs_program)")


FIRST_VIEWS = {"after a saved value": _value_saved, "after a program edit": _program_edited}


def _measure(repeat: int) -> dict:
    from benchmarks.two_sizes import pages_timed
    from programs.models import Country, Funding, MeasureOfEffectiveness, Measurement, Program

    results, _ = pages_timed("benchmark.dashboards", PAGES, repeat, first_views=FIRST_VIEWS)
    size = {"programs": Program.objects.count(), "countries with programs":
            Country.objects.filter(programs__isnull=False).distinct().count(), "funding rows": Funding.objects.count(),
            "MOEs": MeasureOfEffectiveness.objects.count(), "measurements": Measurement.objects.count()}
    return {"pages": results, "size": size}


def report(demo: dict, large: dict) -> str:
    from benchmarks.two_sizes import sizes_report

    table = sizes_report(demo, large, [
        "dashboard", "demo ms (warm)", "large ms (warm)", "large / demo", "large CPU ms (warm)",
        "queries demo / large", "large ms, first request",
        *(f"large ms, first view {name}" for name in FIRST_VIEWS)], lambda d, g: [
        f"{d['warm_ms']:.0f}", f"{g['warm_ms']:.0f}", f"{g['warm_ms'] / d['warm_ms']:.2f}", f"{g['cpu_ms']:.0f}",
        f"{d['queries']} / {g['queries']}", f"{g['cold_ms']:.0f}",
        *(f"{g['first_view_ms'][name]:.0f}" for name in FIRST_VIEWS)])
    slowest = max(max(g["first_view_ms"].values()) for g in large["pages"].values())
    return table + f"\n\nSlowest first view at the large size: {slowest:.0f} ms (goal R4 of issue 18: under 1,000 ms)."


if __name__ == "__main__":
    from benchmarks.two_sizes import main

    main(script=__file__, description=__doc__.splitlines()[0], repeat=7, prepare=_prepare, measure=_measure,
         report=report)

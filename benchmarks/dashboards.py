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
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
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


def _measure(repeat: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from programs.models import Country, Funding, MeasureOfEffectiveness, Measurement, Program, User

    settings.ALLOWED_HOSTS = ["*"]
    user, _ = User.objects.get_or_create(username="benchmark.dashboards", defaults={"is_staff": False})
    client = Client()
    client.force_login(user)
    largest = Country.objects.annotate(n=Count("programs")).order_by("-n").values_list("iso3", flat=True).first()
    client.get("/dashboards/countries/")  # warm Django itself (templates, URL resolver)
    results = {}
    for label, url in PAGES:
        url = url.format(iso3=largest)
        started = time.perf_counter()
        response = client.get(url)
        cold = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        times, cpu_times, queries = [], [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu_started)
            queries = len(captured)
        results[label] = {"url": url, "cold_ms": cold * 1000, "warm_ms": statistics.median(times) * 1000,
                          "cpu_ms": statistics.median(cpu_times) * 1000, "queries": queries}
    size = {"programs": Program.objects.count(), "countries with programs":
            Country.objects.filter(programs__isnull=False).distinct().count(), "funding rows": Funding.objects.count(),
            "MOEs": MeasureOfEffectiveness.objects.count(), "measurements": Measurement.objects.count()}
    return {"pages": results, "size": size}


def _child(args) -> None:
    import django

    django.setup()
    if args.prepare:
        _prepare(args.child)
    print("RESULT " + json.dumps(_measure(args.repeat)))


def _run(kind: str, url: str, args) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--repeat", str(args.repeat)]
    if args.prepare:
        command.append("--prepare")
    # Production-like: DEBUG off (cached template loader, no debug cursor outside the counting).
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "False", "SECRET_KEY": os.environ.get("SECRET_KEY", "x" * 60)}
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def report(demo: dict, large: dict) -> str:
    lines = [
        f"Demo size: {', '.join(f'{v:,} {k}' for k, v in demo['size'].items())}.",
        f"Large size: {', '.join(f'{v:,} {k}' for k, v in large['size'].items())}.",
        "",
        "| dashboard | demo ms (warm) | large ms (warm) | large / demo | large CPU ms (warm) | queries demo / large "
        "| large ms (cold, first view) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label in demo["pages"]:
        d, g = demo["pages"][label], large["pages"][label]
        lines.append(f"| {label} | {d['warm_ms']:.0f} | {g['warm_ms']:.0f} | {g['warm_ms'] / d['warm_ms']:.2f} | "
                     f"{g['cpu_ms']:.0f} | {d['queries']} / {g['queries']} | {g['cold_ms']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-db")
    parser.add_argument("--large-db")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--prepare", action="store_true", help="migrate, load data and recompute summaries first")
    parser.add_argument("--child", choices=["demo", "large"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    if not (args.demo_db and args.large_db):
        parser.error("--demo-db and --large-db are required")
    demo = _run("demo", args.demo_db, args)
    large = _run("large", args.large_db, args)
    print(report(demo, large))
    print(f"\nCPU cores: {os.cpu_count()}; load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

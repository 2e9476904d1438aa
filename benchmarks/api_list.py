"""Benchmark: the API's program list against a bare JSON view of the same rows.

Both go through the full Django stack (middleware, session auth) with the test client in
one process and one run; the bare view returns ``Program.objects.values(...)`` for the
same page (same filter, order and slice) as ``json``, with no DRF, no FilterSet, no
related lists. The ratio says what the API adds on top of reading the rows.

Usage (a database with programs, e.g. ``manage.py generate_benchmark_data``):

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/api_list.py [--repeat 15]

Several portfolio sizes in one run (one child process per database, in turn; then a
summary table of the ratios by size, page size and connection mode):

    .venv/bin/python benchmarks/api_list.py --repeat 20 --databases postgres://.../ssa_bench_100k postgres://.../ssa_bench

Prints the median time per request and the ratio for pages of 100 and 1,000 programs,
the web process's CPU time per request (steadier than wall time on a loaded machine; the
database's time is not in it), query counts and sizes, then one line with the two ratios
against the goal (issue 18, R2: at most 2.0 at both page sizes, aim 1.5) and the load
average before and after. Twice: with a fresh database connection per request (Django's
default; a new PostgreSQL backend reads the catalog of every table a statement touches,
which costs the API's one statement over a dozen tables more than the bare view's) and with
a persistent one (``CONN_MAX_AGE=60``, as the load recipe's gunicorn workers run).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from django.contrib.auth.models import Group  # noqa: E402

from benchmarks.two_sizes import each_database, load_average  # noqa: E402
from programs.models import Program, User  # noqa: E402
from programs.permissions import MANAGER  # noqa: E402

PAGE_SIZES = (100, 1000)
GOAL, AIM = 2.0, 1.5  # issue 18, R2: API / bare at both page sizes
CONNECTIONS = {"fresh": 0, "persistent": 60}  # CONN_MAX_AGE
# The program columns the API returns (api.program_rows.COLUMNS).
BARE_COLUMNS = (
    "id", "code", "title", "description", "lead_agency_id", "lead_agency__code", "purpose",
    "funding_authority", "start_fy", "end_fy", "status", "status_changed_at", "is_surge",
    "long_term_objective_id", "sustainment_plan", "version", "archived_at", "created_at", "updated_at",
)


def bare_program_list(request):
    """The floor: the same page of program rows straight from .values() to JSON."""
    size = int(request.GET.get("page_size", 100))
    rows = Program.objects.filter(archived_at__isnull=True).order_by("code", "pk").values(*BARE_COLUMNS)[:size]
    return JsonResponse({"results": list(rows)})


urlpatterns = [
    path("bench/programs/", bare_program_list),
    path("", include("ssa_portal.urls")),
]


def _measure(client: Client, urls: list[str], repeat: int) -> list[tuple[float, float, int, int]]:
    """Per URL: median seconds per request (wall, then this process's CPU), queries per
    request, response bytes. The URLs are requested in turn (interleaved), so a busy
    machine slows them alike."""
    for url in urls:
        for _ in range(2):  # warm up caches, connections, imports
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
    samples: dict[str, list[float]] = {url: [] for url in urls}
    cpu: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(repeat):
        for url in urls:
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            cpu[url].append(time.process_time() - started_cpu)
            samples[url].append(time.perf_counter() - started)
    results = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        results.append((statistics.median(samples[url]), statistics.median(cpu[url]), len(queries), len(response.content)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--connections", choices=["both", *CONNECTIONS], default="both",
        help="a fresh database connection per request (Django's default), a persistent one, or both in turn",
    )
    parser.add_argument("--databases", nargs="+", help="database URLs (portfolio sizes), one child process each")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.databases:
        _several(args)
        return
    programs = Program.objects.filter(archived_at__isnull=True).count()
    if programs < max(PAGE_SIZES):
        sys.exit(f"Need at least {max(PAGE_SIZES)} programs (have {programs}); run manage.py generate_benchmark_data.")
    # A manager reads every program (an administrator would have to pass the TOTP step).
    user, _ = User.objects.update_or_create(username="api-benchmark", defaults={"is_superuser": False})
    user.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    rates = {"api_read": "1000000/minute", "api_write": "1000/minute"}
    from django.conf import settings

    with override_settings(
        ROOT_URLCONF=__name__,
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates},
        DEBUG=False,
    ):
        client = Client()
        client.force_login(user)
        print(f"Programs in the database: {programs}; median of {args.repeat} requests each; load average {load_average()}.")
        summary = {}
        for mode in CONNECTIONS if args.connections == "both" else (args.connections,):
            summary[mode] = _compare(client, mode, args.repeat)
        print()
        for mode, ratios in summary.items():
            verdict = "met" if max(ratios.values()) <= GOAL else "NOT met"
            print(f"R2 API / bare, {mode} connection: {', '.join(f'{size:,} rows {ratio:.2f}' for size, ratio in ratios.items())} "
                  f"(goal <= {GOAL}, aim {AIM}: {verdict})")
        print(f"Load average at the end: {load_average()}.")
        if args.json:
            from programs.models import Measurement

            print(json.dumps({"programs": programs, "measurements": Measurement.objects.count(), "ratios": summary}))


def _several(args: argparse.Namespace) -> None:
    """One child process per database (:func:`benchmarks.two_sizes.each_database`); then
    the ratios side by side: one row per portfolio size and connection mode."""
    results = each_database(__file__, args.databases,
                            ["--repeat", str(args.repeat), "--connections", args.connections])
    print(f"\n{'measurements':>13} {'programs':>9} {'connection':>11} "
          + " ".join(f"{f'{size:,} rows':>11}" for size in PAGE_SIZES) + "  R2 (<= 2.0)")
    for result in results:
        for mode, ratios in result["ratios"].items():
            values = [ratios[str(size)] for size in PAGE_SIZES]
            print(f"{result['measurements']:>13,} {result['programs']:>9,} {mode:>11} "
                  + " ".join(f"{value:>11.2f}" for value in values)
                  + f"  {'met' if max(values) <= GOAL else 'NOT met'}")
    print(f"Load average at the end: {load_average()}.")


def _compare(client: Client, mode: str, repeat: int) -> dict[int, float]:
    """Measure both page sizes with a fresh database connection per request (Django's
    default, ``CONN_MAX_AGE=0``) or a persistent one (``CONN_MAX_AGE=60``, as the gunicorn
    workers of the load recipe run); print the table and return the ratios by page size."""
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = CONNECTIONS[mode]
    print(f"\n{mode} database connection (CONN_MAX_AGE={CONNECTIONS[mode]}):")
    print(
        f"{'page':>6} {'API ms':>9} {'bare ms':>9} {'ratio':>6} {'API CPU ms':>11} {'bare CPU ms':>12} "
        f"{'API queries':>12} {'bare queries':>13} {'API KB':>8} {'bare KB':>8}"
    )
    ratios = {}
    for size in PAGE_SIZES:
        (api, api_cpu, api_queries, api_bytes), (bare, bare_cpu, bare_queries, bare_bytes) = _measure(
            client, [f"/api/v1/programs/?page_size={size}", f"/bench/programs/?page_size={size}"], repeat
        )
        ratios[size] = api / bare
        print(
            f"{size:>6} {api * 1000:>9.1f} {bare * 1000:>9.1f} {api / bare:>6.2f} {api_cpu * 1000:>11.1f} "
            f"{bare_cpu * 1000:>12.1f} {api_queries:>12} {bare_queries:>13} {api_bytes / 1024:>8.0f} {bare_bytes / 1024:>8.0f}"
        )
    return ratios

if __name__ == "__main__":
    main()

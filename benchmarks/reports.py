"""Benchmark of the target-vs-actual report (IPTT), not a test: server time of one
program's report and of a country's, at the size TolaData's IPTT was compared on (one
country, 20 programs of 50 quarterly MOEs with targets and a result each quarter).

A dedicated PostgreSQL database, prepared once (``--prepare``: migrate, reference data,
``generate_benchmark_data --countries 1 --programs 20 --moes 1000 --measurements 12000``,
the rollup recompute):

    createdb -h 127.0.0.1 -U postgres ssa_reports
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_reports .venv/bin/python benchmarks/reports.py --prepare [--repeat 7]

Server time = the request through Django's full stack in process (middleware, session,
view, selectors, template), without the network: Django's test client, signed in, DEBUG
off (cached template loader). Median of ``--repeat`` requests after one warm-up, with
the query count, the response size and the MOE x period rows the request covers.
Compare TolaData's IPTT only within one run on one machine (docs/performance.md gives
the last recorded figures); report the load average printed at the end.

``--json`` prints one JSON object per request instead of the table. ``--serve`` lets
another process interleave these requests with its own (the side by side with TolaData,
whose harness runs in TolaData's own environment): it prints the cases as one JSON
line, then reads case keys from stdin, one a line, and answers each with one JSON line
``{"key", "ms", "queries", "bytes"}`` for one request (the first request of a key is an
untimed warm-up that counts its queries).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

SIZE = {"countries": 1, "programs": 20, "moes": 1000, "measurements": 12000}


def _prepare() -> None:
    from django.core.management import call_command

    from evaluations.services.rollups import rollups_recompute
    from programs.models import Program

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    if not Program.objects.exists():
        call_command("generate_benchmark_data", verbosity=0, **SIZE)
    rollups_recompute()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _fetch(client, url: str) -> bytes:
    """The body of ``url`` (a streamed body read to its end); anything but 200 stops the run."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def _queries_and_size(client, url: str) -> tuple[int, int]:
    """(queries, bytes) of one request to ``url``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        body = _fetch(client, url)
    return len(queries), len(body)


def _elapsed_ms(client, url: str) -> float:
    started = time.perf_counter()
    _fetch(client, url)
    return (time.perf_counter() - started) * 1000


def _time(client, url: str, repeat: int) -> tuple[float, int, int]:
    """(median ms, queries, bytes) of ``url`` over ``repeat`` requests after a warm-up."""
    queries, size = _queries_and_size(client, url)
    times = [_elapsed_ms(client, url) for _ in range(repeat)]
    return statistics.median(times), queries, size


def _cases(program, country) -> list[tuple[str, str, str, str]]:
    """(key, request, URL, what it covers) of each timed request."""
    from evaluations.models import MoeAchievement
    from evaluations.selectors.iptt import PAGE_SIZE, subject_moes

    def rows(subject) -> int:
        return MoeAchievement.objects.filter(moe__in=subject_moes(subject).values("id")).count()

    base = "/evaluations/target-vs-actual/"
    program_rows, country_rows = rows(program), rows(country)
    program_moes, country_moes = subject_moes(program).count(), subject_moes(country).count()
    return [
        ("program_all", "program report, every period", f"{base}?program={program.pk}",
         f"{program_moes} MOEs, {program_rows} rows"),
        ("program_last12", "program report, last 12 quarters", f"{base}?program={program.pk}&last=12",
         f"{program_moes} MOEs x 12 periods"),
        ("program_annual", "program report, annual", f"{base}?program={program.pk}&frequency=annual",
         f"{program_moes} MOEs"),
        ("program_charts", "program report with charts", f"{base}?program={program.pk}&charts=on",
         f"{program_moes} charts"),
        ("program_page", "program page (summary, expansion, charts)", f"/programs/{program.pk}/",
         f"{program_moes} MOEs"),
        ("country_page1", "country report, page 1", f"{base}?country={country.pk}",
         f"{min(PAGE_SIZE, country_moes)} of {country_moes} MOEs ({country_rows} rows in all)"),
        ("country_last", "country report, last page", f"{base}?country={country.pk}&page=99",
         f"of {country_moes} MOEs"),
        ("country_goal", "country report, grouped by goal + breakdowns",
         f"{base}?country={country.pk}&group_by=goal&disaggregate=on", f"page 1 of {country_moes} MOEs"),
        ("country_csv", "country report CSV (streamed, every row)", f"{base}?country={country.pk}&format=csv",
         f"{country_rows} rows + LOP/PTD"),
        ("country_xlsx", "country report XLSX (every MOE, change log)", f"{base}?country={country.pk}&format=xlsx",
         f"{country_moes} MOEs"),
        ("program_xlsx", "program report XLSX", f"{base}?program={program.pk}&format=xlsx", f"{program_moes} MOEs"),
        ("program_xlsx_last12", "program report XLSX, last 12 quarters",
         f"{base}?program={program.pk}&last=12&format=xlsx", f"{program_moes} MOEs x 12 periods"),
    ]


def _serve(client, cases: list[tuple[str, str, str, str]]) -> None:
    """Answer case keys read from stdin with one JSON line each (see the module's docstring)."""
    urls = {key: url for key, _, url, _ in cases}
    print(json.dumps({"cases": {key: {"name": name, "url": url, "covers": covers}
                                for key, name, url, covers in cases}}), flush=True)
    measured: dict[str, tuple[int, int]] = {}
    for line in sys.stdin:
        key = line.strip()
        if key not in urls:
            print(json.dumps({"key": key, "error": f"unknown case; one of {sorted(urls)}"}), flush=True)
            continue
        if key not in measured:
            measured[key] = _queries_and_size(client, urls[key])
        queries, size = measured[key]
        print(json.dumps({"key": key, "ms": _elapsed_ms(client, urls[key]), "queries": queries, "bytes": size}),
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON object a line instead of the table")
    parser.add_argument("--serve", action="store_true", help="time the case keys read from stdin")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    if args.prepare:
        _prepare()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    from django.db.models import Count
    from django.test import Client

    from programs.models import Country, Program, User

    user, _ = User.objects.get_or_create(username="benchmark.reports")
    client = Client()
    client.force_login(user)
    country = Country.objects.annotate(n=Count("programs")).order_by("-n").first()
    program = (Program.objects.filter(countries=country).annotate(n=Count("moe_achievements"))
               .order_by("-n").first())
    cases = _cases(program, country)
    if args.serve:
        _serve(client, cases)
        return
    if not args.json:
        print(f"Program {program.code}; country {country.iso3}")
        print(f"{'request':<46} {'median ms':>10} {'queries':>8} {'KB':>8}  covers")
    for key, name, url, covers in cases:
        ms, queries, size = _time(client, url, args.repeat)
        if args.json:
            print(json.dumps({"key": key, "request": name, "median_ms": round(ms, 1), "queries": queries,
                              "bytes": size, "covers": covers, "repeat": args.repeat}), flush=True)
        else:
            print(f"{name:<46} {ms:>10.0f} {queries:>8} {size / 1024:>8.0f}  {covers}")
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    if args.json:
        print(json.dumps({"load_average": load, "cpus": os.cpu_count()}))
    else:
        print(f"load average: {load} ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()

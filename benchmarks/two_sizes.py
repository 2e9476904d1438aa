"""What the benchmarks that compare portfolio sizes share: each size measured in a child
process of the script (Django binds one database per process), the result passed back as
one JSON line. The demo-and-large ones (:func:`main`) also run their children with
production-like settings (DEBUG off); the ones given any number of databases
(``--databases``) run theirs in turn with :func:`each_database`. Every benchmark's
report gives the load average (:func:`load_average`)."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable


def load_average() -> str:
    """The machine's load averages over 1, 5 and 15 minutes: "1.52, 1.10, 0.87"."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def each_database(script: str, urls: list[str], child_args: list[str]) -> list[dict]:
    """Run ``script --json *child_args`` once per database URL in ``urls``, in turn, with
    ``DATABASE_URL`` set to it; echo each child's output but its last line, and return
    those last lines (each child's figures as one JSON object), decoded, in the order of
    ``urls``. A child that fails raises ``subprocess.CalledProcessError``."""
    figures = []
    for url in urls:
        print(f"== {url.rsplit('/', 1)[-1]} (load average before: {load_average()})", flush=True)
        command = [sys.executable, script, *child_args, "--json"]
        output = subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=True,
                                capture_output=True, text=True).stdout
        lines = output.strip().splitlines()
        print("\n".join(lines[:-1]), flush=True)
        figures.append(json.loads(lines[-1]))
    return figures


def run_child(script: str, kind: str, url: str, args: argparse.Namespace) -> dict:
    """Run ``script --child kind`` on the database ``url``; its RESULT line, decoded."""
    command = [sys.executable, script, "--child", kind, "--repeat", str(args.repeat)]
    if args.prepare:
        command.append("--prepare")
    # Production-like: DEBUG off (cached template loader, no debug cursor outside the counting).
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "False", "SECRET_KEY": os.environ.get("SECRET_KEY", "x" * 60)}
    output = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def main(*, script: str, description: str, repeat: int, prepare: Callable[[str], None],
         measure: Callable[[int], dict], report: Callable[[dict, dict], str]) -> None:
    """The command line of a two-size benchmark: ``--demo-db``, ``--large-db``,
    ``--repeat``, ``--prepare``; in a child, ``prepare(kind)`` (if asked) then
    ``measure(repeat)``; in the parent, both children then ``report(demo, large)``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--demo-db")
    parser.add_argument("--large-db")
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--prepare", action="store_true", help="migrate, load data and recompute summaries first")
    parser.add_argument("--child", choices=["demo", "large"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        if args.prepare:
            prepare(args.child)
        print("RESULT " + json.dumps({**measure(args.repeat), "load": os.getloadavg()[0]}))
        return
    if not (args.demo_db and args.large_db):
        parser.error("--demo-db and --large-db are required")
    demo = run_child(script, "demo", args.demo_db, args)
    large = run_child(script, "large", args.large_db, args)
    print(report(demo, large))
    print(f"\nCPU cores: {os.cpu_count()}; load average at the end: {os.getloadavg()[0]:.2f}")


def sizes_report(demo: dict, large: dict, columns: list[str], cells: Callable[[dict, dict], list[str]]) -> str:
    """The report of a two-size run: a line per size (its ``size`` figures and the load
    average at its end), then a Markdown table with a row per page label: ``columns``
    (after the label's) filled by ``cells(demo figures, large figures)`` of the page."""
    lines = [f"{name} size: {', '.join(f'{v:,} {k}' for k, v in result['size'].items())} "
             f"(load average {result['load']:.2f})." for name, result in (("Demo", demo), ("Large", large))]
    lines += ["", "| " + " | ".join(columns) + " |", "| --- |" + " ---: |" * (len(columns) - 1)]
    for label in demo["pages"]:
        lines.append("| " + " | ".join([label, *cells(demo["pages"][label], large["pages"][label])]) + " |")
    return "\n".join(lines)


def pages_timed(username: str, pages: list[tuple[str, str]], repeat: int,
                describe: Callable | None = None, before_each: Callable[[str], None] | None = None,
                first_views: dict[str, Callable[[], None]] | None = None) -> tuple[dict, str]:
    """Each page (label, URL with an ``{iso3}`` slot for the country with the most
    programs) requested by a signed-in user through Django's full stack: the first
    request ("cold", may compute and store figures), then the median of ``repeat`` more
    ("warm") with their query count and the web process's own CPU time (``cpu_ms``:
    ``time.process_time``, without the database's work; steadier than the server time
    on a loaded machine). ``describe(url, response)``: more figures of a page;
    ``before_each(label)``: called before every request of a page, untimed (e.g. to
    forget a stored PDF). ``first_views``: changes of the inputs by name; after the warm
    requests, each change is made and the page requested once more (``first_view_ms`` by
    name: the first view after that change). Returns (figures by label, that country's ISO
    code)."""
    import statistics
    import time

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from programs.models import Country, User

    settings.ALLOWED_HOSTS = ["*"]
    user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": False})
    client = Client()
    client.force_login(user)
    largest = Country.objects.annotate(n=Count("programs")).order_by("-n").values_list("iso3", flat=True).first()
    client.get("/dashboards/countries/")  # warm Django itself (templates, URL resolver)
    results = {}
    for label, url in pages:
        url = url.format(iso3=largest)
        if before_each:
            before_each(label)
        started = time.perf_counter()
        response = client.get(url)
        cold = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        times, cpu_times, queries = [], [], 0
        for _ in range(repeat):
            if before_each:
                before_each(label)
            with CaptureQueriesContext(connection) as captured:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu_started)
            queries = len(captured)
        first_view_ms = {}
        for change_name, change in (first_views or {}).items():
            change()
            if before_each:
                before_each(label)
            started = time.perf_counter()
            assert client.get(url).status_code == 200, url
            first_view_ms[change_name] = (time.perf_counter() - started) * 1000
        results[label] = {"url": url, "cold_ms": cold * 1000, "warm_ms": statistics.median(times) * 1000,
                          "first_view_ms": first_view_ms,
                          "cpu_ms": statistics.median(cpu_times) * 1000, "queries": queries,
                          **(describe(url, response) if describe else {})}
    return results, largest

"""Benchmark of the work pages (not a test): the home page's work lists as an analyst and
as a manager, the analyst's whole lists (reporting, returned values), the filtered approvals queue, the coordination findings list, and a bulk
approval, on a generated portfolio. Prints server times (median of ``--repeat`` warm
requests through Django's full stack, test client, DEBUG off) and query counts.

A dedicated PostgreSQL database, prepared once (``--prepare``: migrate, reference data,
``generate_benchmark_data`` at the size given):

    createdb -h 127.0.0.1 -U postgres ssa_bench_work
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_bench_work .venv/bin/python benchmarks/worklists.py \
        --prepare --programs 2000 --moes 10000 --measurements 100000 [--repeat 5] [--decide 500]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--moes", type=int, default=10000)
    parser.add_argument("--measurements", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--decide", type=int, default=500, help="values approved at once in the bulk decision")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    if args.prepare:
        call_command("migrate", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        call_command("generate_benchmark_data", programs=args.programs, moes=args.moes,
                     measurements=args.measurements, verbosity=0)

    from django.contrib.auth.models import Group

    from programs.models import Agency, Measurement, MeasurementStatus, Program, User
    from programs.permissions import ANALYST, MANAGER
    from programs.services.approvals import measurements_decide

    agency = Agency.objects.get(pk=Program.objects.values("lead_agency").order_by().annotate(
        n=django.db.models.Count("id")).order_by("-n").values_list("lead_agency", flat=True)[:1])
    analyst, _ = User.objects.get_or_create(username="bench.analyst", defaults={"agency": agency, "email": "a@example.gov"})
    manager, _ = User.objects.get_or_create(username="bench.manager", defaults={"email": "m@example.gov"})
    analyst.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    manager.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    # Give the analyst's agency a queue: 2% of its values submitted by them, 1% draft, 1% returned.
    ids = list(Measurement.objects.filter(moe__program__lead_agency=agency).order_by("pk").values_list("pk", flat=True))
    for status, share, offset in (("submitted", 50, 0), ("draft", 100, 1), ("returned", 100, 2)):
        Measurement.objects.filter(pk__in=ids[offset::share]).update(
            status=status, entered_by=analyst, return_reason="benchmark" if status == "returned" else "")
    waiting = Measurement.objects.filter(status=MeasurementStatus.SUBMITTED).count()
    print(f"portfolio: {Program.objects.count():,} programs, {Measurement.objects.count():,} measurements, "
          f"{waiting:,} awaiting approval; load average {os.getloadavg()[0]:.2f}")

    def timed(user, url: str) -> tuple[float, int]:
        client = Client()
        client.force_login(user)
        client.get(url)  # cold
        times, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        return statistics.median(times) * 1000, queries

    first_program = Measurement.objects.filter(status="submitted").values_list("moe__program_id", flat=True).first()
    pages = [
        ("home as analyst", analyst, "/"),
        ("home as manager", manager, "/"),
        ("whole reporting list, page 1", analyst, "/dashboards/my-work/reporting/"),
        ("whole reporting list, page 100", analyst, "/dashboards/my-work/reporting/?page=100"),
        ("whole list of returned values", analyst, "/dashboards/my-work/returned/"),
        ("approvals queue", manager, "/programs/approvals/"),
        ("approvals queue, one program", manager, f"/programs/approvals/?program={first_program}"),
        ("coordination findings", manager, "/evaluations/coordination/"),
        ("coordination, one agency", manager, f"/evaluations/coordination/?agency={agency.code}"),
    ]
    print(f"{'page':32} {'median ms':>10} {'queries':>8}")
    for label, user, url in pages:
        ms, queries = timed(user, url)
        print(f"{label:32} {ms:10.1f} {queries:8d}")

    decide = list(Measurement.objects.filter(status="submitted").exclude(entered_by=manager)
                  .values_list("pk", flat=True)[:args.decide])
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            count = measurements_decide(user=manager, ids=decide, decision="approve", reason="benchmark")
            elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    print(f"bulk approval of {count} values: {elapsed * 1000:.1f} ms, {len(captured)} queries (rolled back)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

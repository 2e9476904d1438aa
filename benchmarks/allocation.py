"""Benchmark of the allocation planner (not a test).

1. The LP alone: 200 countries x 6 accounts with three breakpoints each (random figures,
   fixed seed), solved by ``allocation.solver.solve``; prints the LP's size and the median
   solve time (goal: under 1 s).
2. With ``--database-url`` (a dedicated, migrated database with reference data): writes
   200 scored countries with 1,200 programs (6 accounts) once, a scenario with 6
   envelopes, solves it through the service (reads, LP, saves) and times the scenario
   page through Django's full stack, signed in as a manager (goal: under 2 s).

    .venv/bin/python benchmarks/allocation.py [--repeat 7]
    createdb -h 127.0.0.1 -U postgres ssa_alloc_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_alloc_bench .venv/bin/python manage.py migrate
    DATABASE_URL=... .venv/bin/python manage.py load_reference_data
    .venv/bin/python benchmarks/allocation.py --database-url postgres://postgres@127.0.0.1:5432/ssa_alloc_bench
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

ACCOUNTS = ("FMF", "IMET", "INCLE", "NADR", "PKO", "10 U.S.C. 333")
COUNTRIES = 200


def _problem(seed: int = 1):
    from allocation.problem import CountryInput, Problem

    rng = random.Random(seed)
    countries = []
    for i in range(COUNTRIES):
        commitments = {a: round(rng.uniform(0, 3), 3) for a in ACCOUNTS if rng.random() < 0.4}
        deprioritised = rng.random() < 0.1
        eligible = frozenset() if deprioritised else frozenset(a for a in ACCOUNTS if rng.random() > 0.1)
        countries.append(CountryInput(
            key=f"C{i:03d}", name=f"Country {i}", weight=rng.uniform(0.1, 0.95),
            ceiling=sum(commitments.values()) + rng.uniform(1, 40), minimum=rng.choice([0, 0, 0, 1, 2]),
            commitments=commitments, eligible_accounts=eligible,
        ))
    committed = {a: sum(c.commitments.get(a, 0) for c in countries) for a in ACCOUNTS}
    return Problem(envelopes={a: committed[a] + 300 for a in ACCOUNTS}, countries=tuple(countries))


def lp_benchmark(repeat: int) -> None:
    from allocation.solver import solve

    problem = _problem()
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = solve(problem)
        times.append(time.perf_counter() - start)
    print(f"LP: {COUNTRIES} countries x {len(ACCOUNTS)} accounts x {len(problem.breakpoints)} breakpoints: "
          f"{result.variables} variables, {result.constraints} constraints; feasible={result.feasible}; "
          f"objective {result.objective:.3f}")
    print(f"LP solve (build + HiGHS + read-back): median {statistics.median(times) * 1000:.1f} ms, "
          f"min {min(times) * 1000:.1f} ms over {repeat} runs (goal < 1000 ms)")


def _prepare(manager) -> None:
    """200 scored countries, 1,200 running programs over FY2024-2027 in 6 accounts (once)."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from assessments.framework_seed import seed_framework_v1
    from assessments.models import AssessmentFramework, Band, Criterion, SelectivityScore
    from programs.models import Agency, Country, Funding, Program, ProgramStatus, Purpose

    if Program.objects.filter(code__startswith="ALLOC-BENCH-").exists():
        return
    rng = random.Random(2)
    seed_framework_v1(AssessmentFramework, Criterion)
    framework = AssessmentFramework.objects.order_by("-version").first()
    agency, _ = Agency.objects.get_or_create(code="DOS", defaults={"name": "Department of State"})
    countries = list(Country.objects.order_by("iso3")[:COUNTRIES])
    bands = [Band.INVEST, Band.SUSTAIN, Band.REVIEW, Band.DEPRIORITISE]
    SelectivityScore.objects.bulk_create([
        SelectivityScore(country=c, computed_at=timezone.now(), as_of=dt.date(2026, 11, 1), framework=framework,
                         weight_priority=framework.weight_priority, weight_conditions=framework.weight_conditions,
                         weight_effectiveness=framework.weight_effectiveness,
                         score=Decimal(rng.randint(10, 95)), band=band, band_uncapped=band)
        for c, band in zip(countries, (rng.choice(bands) for _ in countries))
    ])
    programs = Program.objects.bulk_create([
        Program(code=f"ALLOC-BENCH-{i:05d}", title=f"Benchmark program {i}", lead_agency=agency,
                purpose=Purpose.BUILD_CAPACITY, funding_authority=ACCOUNTS[i % len(ACCOUNTS)],
                start_fy=2024, end_fy=2028, status=ProgramStatus.ACTIVE)
        for i in range(COUNTRIES * len(ACCOUNTS))
    ])
    Program.countries.through.objects.bulk_create([
        Program.countries.through(program_id=p.pk, country_id=countries[i // len(ACCOUNTS)].pk)
        for i, p in enumerate(programs)
    ])
    Funding.objects.bulk_create([
        Funding(program=p, fiscal_year=year, planned=Decimal(rng.randint(1, 20)) * 100_000,
                obligated=Decimal(rng.randint(1, 20)) * 100_000)
        for p in programs for year in (2024, 2025, 2026, 2027)
    ])


def page_benchmark(repeat: int) -> None:
    import django

    django.setup()
    from decimal import Decimal

    from django.conf import settings
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.db import connection

    from allocation import services
    from allocation.models import Scenario
    from programs.models import User
    from programs.permissions import MANAGER

    settings.ALLOWED_HOSTS = ["*"]
    manager, created = User.objects.get_or_create(username="alloc-bench-manager")
    if created:
        from django.contrib.auth.models import Group

        manager.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    _prepare(manager)
    scenario = Scenario.objects.filter(name="Benchmark").first() or services.scenario_create(
        user=manager, fiscal_year=2027, name="Benchmark",
        envelopes=[{"account": a, "amount": Decimal(250_000_000)} for a in ACCOUNTS],
        minimums=[{"tier": 1, "amount": Decimal(1_000_000)}],
    )
    start = time.perf_counter()
    result = services.scenario_solve(user=manager, scenario=scenario, version=scenario.version)
    print(f"Scenario solve through the service (reads, LP, saves): {(time.perf_counter() - start) * 1000:.0f} ms; "
          f"{len(result.countries)} countries, {result.variables} variables, {result.constraints} constraints, "
          f"feasible={result.feasible}")
    client = Client()
    client.force_login(manager)
    url = f"/allocation/{scenario.pk}/"
    client.get(url)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200
    print(f"Scenario page {url}: median {statistics.median(times) * 1000:.0f} ms over {repeat} requests, "
          f"{len(queries.captured_queries)} queries, {len(response.content) // 1024} KiB (goal < 2000 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", help="a dedicated database for the page benchmark")
    args = parser.parse_args()
    lp_benchmark(args.repeat)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DEBUG", "False")
        page_benchmark(args.repeat)


if __name__ == "__main__":
    main()

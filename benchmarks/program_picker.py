"""The pages with a picker at one size (issue: pickers at 20,000 programs, 6,074 partner
institutions): each page's time, queries and size in bytes, requested through Django's
full stack (``two_sizes.pages_timed``) with DEBUG off, by a signed-in plain user (program
pickers) and a manager (the vetting form's institution picker); then each picker's search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_perf DEBUG=False \
        .venv/bin/python benchmarks/program_picker.py --repeat 5

Read-only but for its users: it signs users in, creating ``bench.picker`` (plain) and
``bench.picker.manager`` (in the Manager group) if missing.
"""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from benchmarks.two_sizes import pages_timed
    from django.contrib.auth.models import Group

    from programs.models import PartnerInstitution, Program, User, Vetting
    from programs.permissions import MANAGER

    program = Program.objects.filter(archived_at__isnull=True).order_by("code").values_list("pk", flat=True).first()
    pages = [
        ("IPTT filter form", "/evaluations/target-vs-actual/"),
        ("IPTT of one program", f"/evaluations/target-vs-actual/?program={program}"),
        ("New evaluation form", "/evaluations/new/"),
    ]
    figures, _ = pages_timed("bench.picker", pages, args.repeat,
                             describe=lambda url, response: {"bytes": len(response.content)})
    manager, _ = User.objects.get_or_create(username="bench.picker.manager", defaults={"is_staff": False})
    manager.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    vetting = Vetting.objects.order_by("pk").values_list("pk", flat=True).first()
    record_figures, _ = pages_timed("bench.picker.manager", [
        ("New vetting record form", "/programs/records/vetting/new/"),
        ("Vetting record edit form", f"/programs/records/vetting/{vetting}/edit/"),
    ], args.repeat, describe=lambda url, response: {"bytes": len(response.content)})
    print(f"{Program.objects.count():,} programs, {PartnerInstitution.objects.count():,} partner institutions; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("| page | warm ms | CPU ms | queries | bytes |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, row in {**figures, **record_figures}.items():
        print(f"| {label} | {row['warm_ms']:,.0f} | {row['cpu_ms']:,.0f} | {row['queries']} | {row['bytes']:,} |")
    try:
        from programs.selectors.programs import program_search
    except ImportError:  # before the picker existed
        return
    _searches("program", program_search, ("", "dod-2024-1", "cayman", "no such program"), args.repeat)
    try:
        from programs.selectors.records import institution_search
    except ImportError:  # before the institution picker existed
        return
    _searches("institution", institution_search, ("", "police", "(ken", "no such institution"), args.repeat)


def _searches(noun: str, search, texts: tuple[str, ...], repeat: int) -> None:
    """Median time of each search (one query, at most 20 rows)."""
    import statistics
    import time

    print(f"\n| {noun} picker search for | results | median ms |\n| --- | ---: | ---: |")
    for text in texts:
        times = []
        for _ in range(max(repeat, 5)):
            started = time.perf_counter()
            found = search(text)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| \"{text}\" | {len(found)} | {statistics.median(times):.1f} |")


if __name__ == "__main__":
    main()

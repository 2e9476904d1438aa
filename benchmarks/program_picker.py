"""The pages with a program picker at one size (issue: pickers at 20,000 programs): each
page's time, queries and size in bytes, requested through Django's full stack by a
signed-in plain user (``two_sizes.pages_timed``), with DEBUG off.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_perf DEBUG=False \
        .venv/bin/python benchmarks/program_picker.py --repeat 5

Read-only: it only signs a user in (creating ``bench.picker`` if missing).
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
    from programs.models import Program

    program = Program.objects.filter(archived_at__isnull=True).order_by("code").values_list("pk", flat=True).first()
    pages = [
        ("IPTT filter form", "/evaluations/target-vs-actual/"),
        ("IPTT of one program", f"/evaluations/target-vs-actual/?program={program}"),
        ("New evaluation form", "/evaluations/new/"),
    ]
    figures, _ = pages_timed("bench.picker", pages, args.repeat,
                             describe=lambda url, response: {"bytes": len(response.content)})
    print(f"{Program.objects.count():,} programs; load average {os.getloadavg()[0]:.2f}")
    print("| page | warm ms | CPU ms | queries | bytes |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, row in figures.items():
        print(f"| {label} | {row['warm_ms']:,.0f} | {row['cpu_ms']:,.0f} | {row['queries']} | {row['bytes']:,} |")
    try:
        from programs.selectors.programs import program_search
    except ImportError:  # before the picker existed
        return
    import statistics
    import time

    print("\n| picker search for | results | median ms |\n| --- | ---: | ---: |")
    for text in ("", "dod-2024-1", "cayman", "no such program"):
        times = []
        for _ in range(max(args.repeat, 5)):
            started = time.perf_counter()
            found = program_search(text)
            times.append((time.perf_counter() - started) * 1000)
        print(f"| \"{text}\" | {len(found)} | {statistics.median(times):.1f} |")


if __name__ == "__main__":
    main()

"""Benchmark of the PDF briefs, the maps and the results framework (not a test): server
time of each at the demo size and at the large benchmark size, in one run. Goal: a brief
under 3 s at the large size (issue 16).

Two dedicated PostgreSQL databases, prepared as for ``benchmarks/dashboards.py`` (the
same ``--prepare``: migrate, reference data, demo data or ``generate_benchmark_data``,
rollup and selectivity recomputes, ANALYZE):

    .venv/bin/python benchmarks/briefs.py \
        --demo-db postgres://postgres@127.0.0.1:5432/ssa_dash_demo \
        --large-db postgres://postgres@127.0.0.1:5432/ssa_dash_large [--prepare] [--repeat 5]

Each database is measured in its own process. Server time = the request through Django's
full stack in process (Django's test client, signed in as a manager, DEBUG off), for a
brief including the PDF (WeasyPrint); the first request ("cold") may compute and store
dashboard figures, the reported time is the median of the next ``--repeat`` ("warm"),
with the query count and the PDF's pages and size. The country is the one with the most
programs. The load average is printed: this machine is shared, and WeasyPrint's time
grows with it.
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")

PAGES = [
    ("country brief (PDF, largest country)", "/reports/briefs/countries/{iso3}.pdf"),
    ("portfolio brief (PDF)", "/reports/briefs/portfolio.pdf"),
    ("portfolio dashboard with map", "/dashboards/portfolio/?map=funding"),
    ("region dashboard with map (bureau AF)", "/dashboards/regions/bureau/AF/?map=band"),
    ("results framework (largest country)", "/reports/results-framework/?country={iso3}"),
    ("results framework (portfolio)", "/reports/results-framework/"),
]


def _measure(repeat: int) -> dict:
    import logging

    from pypdf import PdfReader

    from benchmarks.two_sizes import pages_timed
    from programs.models import MeasureOfEffectiveness, Program

    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    def describe(url: str, response) -> dict:
        pages = len(PdfReader(io.BytesIO(response.content)).pages) if url.endswith(".pdf") else None
        return {"kb": len(response.content) / 1024, "pages": pages}

    results, largest = pages_timed("benchmark.briefs", PAGES, repeat, describe)
    size = {"programs": Program.objects.count(), "MOEs": MeasureOfEffectiveness.objects.count(),
            f"programs in {largest}": Program.objects.filter(countries__iso3=largest).count()}
    return {"pages": results, "size": size, "load": os.getloadavg()[0]}


def report(demo: dict, large: dict) -> str:
    lines = [
        f"Demo size: {', '.join(f'{v:,} {k}' for k, v in demo['size'].items())} (load average {demo['load']:.2f}).",
        f"Large size: {', '.join(f'{v:,} {k}' for k, v in large['size'].items())} (load average {large['load']:.2f}).",
        "",
        "| page | demo ms (warm) | large ms (warm) | queries demo / large | large KB | PDF pages demo / large "
        "| large ms (cold) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label in demo["pages"]:
        d, g = demo["pages"][label], large["pages"][label]
        pages = f"{d['pages']} / {g['pages']}" if d["pages"] else ""
        lines.append(f"| {label} | {d['warm_ms']:.0f} | {g['warm_ms']:.0f} | {d['queries']} / {g['queries']} | "
                     f"{g['kb']:.0f} | {pages} | {g['cold_ms']:.0f} |")
    return "\n".join(lines)


def _prepare(kind: str) -> None:
    from benchmarks.dashboards import _prepare as dashboards_prepare

    dashboards_prepare(kind)


if __name__ == "__main__":
    from benchmarks.two_sizes import main

    main(script=__file__, description=__doc__.splitlines()[0], repeat=5, prepare=_prepare, measure=_measure,
         report=report)

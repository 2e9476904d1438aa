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
with the query count and the PDF's pages and size. A brief is made once for its data and
then stored (``reports.selectors.stored_briefs``): the "PDF made" rows forget the stored
brief before every request (each is made: what a click costs after the data changed),
the "PDF stored" rows are the repeat click. Then the largest country's brief is made
stage by stage outside the request (selectors, template, WeasyPrint's HTML parse, style
and layout, drawing the PDF), each stage's median printed. The country is the one with
the most programs. The load average is printed: this machine is shared, and
WeasyPrint's time grows with it.
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
    ("country brief (PDF made, largest country)", "/reports/briefs/countries/{iso3}.pdf"),
    ("country brief (PDF stored: a repeat click)", "/reports/briefs/countries/{iso3}.pdf"),
    ("portfolio brief (PDF made)", "/reports/briefs/portfolio.pdf"),
    ("portfolio brief (PDF stored: a repeat click)", "/reports/briefs/portfolio.pdf"),
    ("portfolio dashboard with map", "/dashboards/portfolio/?map=funding"),
    ("region dashboard with map (bureau AF)", "/dashboards/regions/bureau/AF/?map=band"),
    ("results framework (largest country)", "/reports/results-framework/?country={iso3}"),
    ("results framework (portfolio)", "/reports/results-framework/"),
]
STAGES = ("data (selectors)", "template", "HTML parse", "style and layout", "draw (PDF)")


def _country_brief_stages(iso3: str, repeat: int) -> dict:
    """The country brief made in its stages, each timed (median of ``repeat`` ms, after
    one untimed run), with the printed map's size."""
    import statistics
    import time

    from django.template.loader import render_to_string
    from weasyprint import HTML

    from programs.models import Country
    from reports.pdf import brief_stylesheet, pdf_of
    from reports.views import brief_pages

    country = Country.objects.get(iso3=iso3)
    stylesheet, fonts = brief_stylesheet()
    timings: dict[str, list[float]] = {stage: [] for stage in STAGES}
    for run in range(repeat + 1):
        marks = [time.perf_counter()]
        brief = brief_pages.country_brief(country=country)
        marks.append(time.perf_counter())
        html = render_to_string("reports/brief_country.html", {"brief": brief, "dashboard": brief.dashboard})
        marks.append(time.perf_counter())
        parsed = HTML(string=html, base_url="http://127.0.0.1:8000/")
        marks.append(time.perf_counter())
        document = parsed.render(stylesheets=[stylesheet], font_config=fonts)
        marks.append(time.perf_counter())
        pdf_of(document)
        marks.append(time.perf_counter())
        if run:
            for stage, started, ended in zip(STAGES, marks, marks[1:]):
                timings[stage].append((ended - started) * 1000)
    svg = str(brief.map.svg)
    return {"ms": {stage: statistics.median(values) for stage, values in timings.items()},
            "map_kb": len(svg) / 1024, "map_paths": svg.count("<path"), "html_kb": len(html) / 1024}


def _measure(repeat: int) -> dict:
    import logging

    from django.core.cache import caches
    from pypdf import PdfReader

    from benchmarks.two_sizes import pages_timed
    from dashboards.selectors.snapshots import CACHE_ALIAS
    from programs.models import Country, MeasureOfEffectiveness, Program
    from reports.selectors.stored_briefs import brief_key

    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    def describe(url: str, response) -> dict:
        pages = len(PdfReader(io.BytesIO(response.content)).pages) if url.endswith(".pdf") else None
        return {"kb": len(response.content) / 1024, "pages": pages}

    def forget_made_briefs(label: str) -> None:
        if "PDF made" in label:
            caches[CACHE_ALIAS].delete_many([brief_key("portfolio")] + [
                brief_key(f"country:{pk}") for pk in Country.objects.values_list("id", flat=True)])

    results, largest = pages_timed("benchmark.briefs", PAGES, repeat, describe, forget_made_briefs)
    size = {"programs": Program.objects.count(), "MOEs": MeasureOfEffectiveness.objects.count(),
            f"programs in {largest}": Program.objects.filter(countries__iso3=largest).count()}
    return {"pages": results, "size": size, "stages": _country_brief_stages(largest, repeat)}


def report(demo: dict, large: dict) -> str:
    from benchmarks.two_sizes import sizes_report

    def cells(d: dict, g: dict) -> list[str]:
        pages = f"{d['pages']} / {g['pages']}" if d["pages"] else ""
        return [f"{d['warm_ms']:.0f}", f"{g['warm_ms']:.0f}", f"{d['queries']} / {g['queries']}", f"{g['kb']:.0f}",
                pages, f"{g['cold_ms']:.0f}"]

    pages = sizes_report(demo, large, ["page", "demo ms (warm)", "large ms (warm)", "queries demo / large",
                                       "large KB", "PDF pages demo / large", "large ms (cold)"], cells)
    stages = ["", "The largest country's brief made in stages (median ms; map: the printed SVG):", "",
              "| stage | demo ms | large ms |", "| --- | ---: | ---: |"]
    stages += [f"| {stage} | {demo['stages']['ms'][stage]:.0f} | {large['stages']['ms'][stage]:.0f} |"
               for stage in STAGES]
    stages.append(f"| total | {sum(demo['stages']['ms'].values()):.0f} | {sum(large['stages']['ms'].values()):.0f} |")
    stages += [f"| {what} | {demo['stages'][key]:.0f} | {large['stages'][key]:.0f} |"
               for what, key in (("map SVG KB", "map_kb"), ("map paths", "map_paths"), ("HTML KB", "html_kb"))]
    return pages + "\n" + "\n".join(stages)


def _prepare(kind: str) -> None:
    from benchmarks.dashboards import _prepare as dashboards_prepare

    dashboards_prepare(kind)


if __name__ == "__main__":
    from benchmarks.two_sizes import main

    main(script=__file__, description=__doc__.splitlines()[0], repeat=5, prepare=_prepare, measure=_measure,
         report=report)

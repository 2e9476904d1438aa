"""Benchmark of the spreadsheet import (not a test): a whole budget table, previewed,
confirmed and re-imported unchanged, through the same services the pages call.

The file is the portal's "programs and funding" template (header from
``programs.importing.columns``, written as XLSX like ``blank_templates.template_xlsx``)
holding a budget table by country and account: 150 countries spelled as government
tables spell them (``reference_data/country_aliases.csv`` first: "Burma", "Korea, South",
"Cote d'Ivoire", ...), 5 security accounts, ten fiscal years (FY2018-FY2027): 433
programs and 3,094 funding rows at size 1, ten times that at size 10.

A second workbook per size holds, for the same programs, two quarterly MOEs each with four
targets (the MOEs sheet) and their four values (the measurements sheet): 6,928 rows at
size 1.

For each file and size it prints seconds and rows per second of the preview, the confirm,
an unchanged re-import (preview + confirm) and, for the programs file, a re-import that
changes every funding row's planned amount (every row an update), with the process's CPU
seconds of each import and the load average. No broker is used (the
process runs tasks in process, as ``make start`` does without ``REDIS_URL``).

    createdb -h 127.0.0.1 -U postgres ssa_import_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ssa_import_bench .venv/bin/python benchmarks/import.py
    DATABASE_URL=sqlite:////tmp/ssa_import_bench.sqlite3 .venv/bin/python benchmarks/import.py

It migrates the database and loads reference data, then deletes the programs it
imported before each size (use a dedicated database).
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssa_portal.settings")
for broker_variable in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
    os.environ.pop(broker_variable, None)  # no broker: tasks run in process

ACCOUNTS = ("FMF", "IMET", "INCLE", "NADR", "PKO")
FISCAL_YEARS = list(range(2018, 2028))
PROGRAMS, FUNDING_ROWS, COUNTRIES = 433, 3_094, 150


def budget_rows(size: int, seed: int = 13) -> list[list[object]]:
    """Rows of the programs-and-funding template: ``433 * size`` programs with ``3,094 *
    size`` funding rows in all (each program 7 or 8 consecutive fiscal years)."""
    from programs.importing.columns import PROGRAMS as TEMPLATE
    from programs.importing.countries import ALIASES_CSV
    from programs.models import Country

    rng = random.Random(seed)
    aliases: dict[str, str] = {}
    with ALIASES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            aliases.setdefault(row["alpha3"].strip().upper(), row["alias"])
    countries = list(Country.objects.order_by("iso3").values_list("iso3", "name"))
    rng.shuffle(countries)
    spellings = [aliases.get(iso3, name) for iso3, name in countries[:COUNTRIES]]
    programs = PROGRAMS * size
    extra_years = FUNDING_ROWS * size - 7 * programs  # programs with an 8th year
    rows = []
    for number in range(programs):
        country, account = spellings[number % COUNTRIES], ACCOUNTS[(number // COUNTRIES) % len(ACCOUNTS)]
        years = 8 if number < extra_years else 7
        start = rng.randint(FISCAL_YEARS[0], FISCAL_YEARS[-1] - years + 1)
        for fiscal_year in range(start, start + years):
            planned = rng.randrange(50_000, 25_000_000, 1_000)
            values = {
                "code": f"BUD-{number + 1:05d}", "title": f"{account} {country}", "lead_agency": "DOS",
                "countries": country, "purpose": "build_capacity", "start_fy": start, "end_fy": start + years - 1,
                "funding_authority": account, "description": "", "goals": "", "sectors": "",
                "fiscal_year": f"FY{fiscal_year}", "planned": f"{planned:,}",
                "obligated": f"{planned * 9 // 10:,}", "disbursed": f"{planned // 2:,}",
            }
            rows.append([values[name] for name in TEMPLATE.names])
    return [TEMPLATE.names, *rows]


MOE_NAMES = ("Interdictions per quarter", "Officers trained")


def measures_sheets(budget: list[list[object]]) -> dict[str, list[list[object]]]:
    """The MOEs-and-targets and measurements sheets for the programs of ``budget``: two
    quarterly MOEs per program, each with targets and values for the four quarters of the
    program's first fiscal year (8 MOE rows and 8 measurement rows per program)."""
    from programs.importing.columns import MEASUREMENTS, MOES, PROGRAMS as TEMPLATE

    code_at, start_at = TEMPLATE.names.index("code"), TEMPLATE.names.index("start_fy")
    starts = {row[code_at]: row[start_at] for row in budget[1:]}
    moes, values = [MOES.names], [MEASUREMENTS.names]
    for code, start in starts.items():
        for index, name in enumerate(MOE_NAMES):
            for quarter in range(1, 5):
                period = f"FY{start}-Q{quarter}"
                moe = {
                    "program_code": code, "moe_name": name, "kind": "outcome", "unit": "count", "direction": "increase",
                    "cumulative": "no", "allows_negative": "no", "frequency": "quarterly", "baseline_value": 10 * index,
                    "baseline_date": f"{start - 1}-09-30", "weight": 1, "means_of_verification": "Post reporting",
                    "period": period, "target": 20 + quarter,
                }
                moes.append([moe[column] for column in MOES.names])
                value = {
                    "program_code": code, "moe_name": name, "period": period, "value": 18 + quarter + index,
                    "source": "Quarterly report", "evidence_url": "", "collected_on": "",
                }
                values.append([value[column] for column in MEASUREMENTS.names])
    return {"MOEs and targets": moes, "Measurements": values}


def xlsx_bytes(rows: list[list[object]] | None = None, *, sheets: dict[str, list[list[object]]] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, sheet_rows in (sheets or {"Programs and funding": rows}).items():
        sheet = workbook.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _finished(job):
    """The job once its run has ended (it may run in a background thread)."""
    from programs.models import ImportJob

    while job.is_running:
        time.sleep(0.05)
        job.status = ImportJob.objects.filter(pk=job.pk).values_list("status", flat=True).get()
    return ImportJob.objects.get(pk=job.pk)


def import_once(user, name: str, content: bytes) -> tuple[float, float, dict]:
    """Preview then confirm through the services the upload page calls; seconds of each.
    The process's CPU seconds of both (every thread: steadier than wall time on a loaded
    machine) are added to ``CPU``."""
    from programs.importing.reading import recent_tables_forget
    from programs.importing.services import import_job_confirm, import_job_create

    recent_tables_forget()  # an upload arrives as new bytes: time reading them
    started, cpu = time.perf_counter(), time.process_time()
    job = _finished(import_job_create(user=user, file_name=name, content=content))
    previewed = time.perf_counter()
    if not job.can_confirm:
        errors = [r for r in job.report if r["outcome"] == "error"][:3]
        sys.exit(f"The preview of {name} failed: {job.failure or errors}")
    job = _finished(import_job_confirm(user=user, job=job))
    confirmed = time.perf_counter()
    if job.status != "imported":
        sys.exit(f"The confirm of {name} failed: {job.failure}")
    CPU.append(time.process_time() - cpu)
    return previewed - started, confirmed - previewed, job.summary


CPU: list[float] = []  # process CPU seconds of each import_once


def amounts_changed(rows: list[list[object]]) -> list[list[object]]:
    """``rows`` with every funding row's planned amount changed (a re-import that updates
    every funding row)."""
    at = rows[0].index("planned")
    return [rows[0], *([*row[:at], f"{int(str(row[at]).replace(',', '')) + 1_000:,}", *row[at + 1:]] for row in rows[1:])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--programs-only", action="store_true", help="skip the MOEs-and-measurements workbook")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.two_sizes import load_average
    from programs.models import Program, User

    settings.IMPORT_MAX_BYTES = 50 * 1024 * 1024  # the 10x workbook is larger than the upload limit
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    user, _ = User.objects.get_or_create(username="import-benchmark", defaults={"is_superuser": True})
    print(f"database: {connection.vendor}; load average {load_average()}")
    print(f"{'size':>5} {'rows':>7} {'step':<18} {'seconds':>8} {'rows/s':>8} {'CPU s':>8}")
    for size in args.sizes:
        Program.objects.filter(code__startswith="BUD-").delete()
        rows = budget_rows(size)
        content = xlsx_bytes(rows)
        count = len(rows) - 1
        preview, confirm, summary = import_once(user, f"budget-x{size}.xlsx", content)
        assert summary["create"] == count, summary
        again_preview, again_confirm, again = import_once(user, f"budget-x{size}.xlsx", content)
        assert again["unchanged"] == count, again
        changed_preview, changed_confirm, changed = import_once(user, f"budget-x{size}-changed.xlsx",
                                                                xlsx_bytes(amounts_changed(rows)))
        assert changed["update"] == count, changed
        _report(size, count, preview, confirm, again_preview, again_confirm, changed_preview, changed_confirm)
        print(f"      (programs and funding: {len(content) / 1_048_576:.1f} MB XLSX; load average {load_average()})")
        if args.programs_only:
            continue
        sheets = measures_sheets(rows)
        content = xlsx_bytes(sheets=sheets)
        count = sum(len(sheet) - 1 for sheet in sheets.values())
        preview, confirm, summary = import_once(user, f"measures-x{size}.xlsx", content)
        assert summary["create"] == count, summary
        again_preview, again_confirm, again = import_once(user, f"measures-x{size}.xlsx", content)
        assert again["unchanged"] == count, again
        _report(size, count, preview, confirm, again_preview, again_confirm)
        print(f"      (MOEs, targets and measurements: {len(content) / 1_048_576:.1f} MB XLSX; load average {load_average()})")


def _report(size: int, count: int, preview: float, confirm: float, again_preview: float, again_confirm: float,
            changed_preview: float | None = None, changed_confirm: float | None = None) -> None:
    """One line a step; the totals add the process's CPU seconds of both steps."""
    cpus = iter(CPU[-3:] if changed_preview is not None else CPU[-2:])
    steps = [
        ("preview", preview, None), ("confirm", confirm, None), ("preview+confirm", preview + confirm, next(cpus)),
        ("re-import preview", again_preview, None), ("re-import confirm", again_confirm, None),
        ("re-import total", again_preview + again_confirm, next(cpus)),
    ]
    if changed_preview is not None:
        steps += [("changed preview", changed_preview, None), ("changed confirm", changed_confirm, None),
                  ("changed total", changed_preview + changed_confirm, next(cpus))]
    for step, seconds, cpu in steps:
        print(f"{size:>4}x {count:>7,} {step:<18} {seconds:>8.2f} {count / seconds:>8,.0f}" + (f" {cpu:>8.2f}" if cpu else ""))


if __name__ == "__main__":
    main()

"""The target-vs-actual report (IPTT) as files: a formatted XLSX workbook (title rows,
merged period headers, number and percent formats, status fills with the status in
words, a change-log sheet from the targets' and measurements' history) and a long CSV
(one row per MOE and period column, plain numbers, for analysis).

Both read a report built with every MOE (``iptt_report(..., all_pages=True)``); text
cells go through :func:`infrastructure.exports.text_cell` (no formula injection).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from infrastructure.exports import MAX_EXPORT_ROWS, text_cell
from programs.models import Measurement, Target

from .selectors.iptt import STATUS_TEXT, IpttReport

NUMBER_FORMAT = "#,##0.####"
PERCENT_FORMAT = "0.0%"
STATUS_FILLS = {  # light fills (USWDS state "lighter" tints) so black text stays readable
    "on_track": "ECF3EC", "needs_attention": "FAF3D1", "off_track": "F4E3DB",
}
FILLS = {status: PatternFill("solid", fgColor=colour) for status, colour in STATUS_FILLS.items()}
BOLD = Font(bold=True)
THIN = Side(style="thin", color="A9AEB1")


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def iptt_workbook(report: IpttReport, changes: list[dict]) -> bytes:
    """The report as an XLSX file (bytes): sheet "IPTT" and sheet "Change log"."""
    book = Workbook()
    sheet = book.active
    sheet.title = "IPTT"
    shown = [kind for kind in ("target", "actual", "met") if kind not in report.options.hidden] or ["actual"]
    groups = [label for key, label in (("lop", "Life of program"), ("ptd", "Program to date"))
              if key not in report.options.hidden] + [c.label for c in report.columns]
    sheet.append([text_cell(report.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"Generated {timezone.localtime():%Y-%m-%d %H:%M} UTC · {report.moe_count} MOEs · "
                  f"{'fiscal years' if report.options.frequency == 'annual' else 'each MOE’s own periods'}"])
    for rule in report.rules:
        sheet.append([rule])
    sheet.append([])
    fixed = ["Group", "Program", "MOE", "Unit", "Baseline"]
    labels = {"target": "Target", "actual": "Actual", "met": "% met"}
    first = fixed + [g if i == 0 else None for g in groups for i in range(len(shown))]
    second = [None] * len(fixed) + [labels[k] for _ in groups for k in shown]
    sheet.append(first)
    header_row = sheet.max_row
    sheet.append(second)
    for index in range(len(fixed)):
        sheet.merge_cells(start_row=header_row, start_column=index + 1, end_row=header_row + 1, end_column=index + 1)
    for number in range(len(groups)):
        column = len(fixed) + number * len(shown) + 1
        if len(shown) > 1:
            sheet.merge_cells(start_row=header_row, start_column=column, end_row=header_row,
                              end_column=column + len(shown) - 1)
    for row in sheet.iter_rows(min_row=header_row, max_row=header_row + 1):
        for cell in row:
            cell.font = BOLD
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = Border(bottom=THIN)
    written = 0
    skip = {"Life of program": "lop" in report.options.hidden, "Program to date": "ptd" in report.options.hidden}
    for group in report.groups:
        for row in group.rows:
            if written >= MAX_EXPORT_ROWS:
                break
            written += 1
            meta = report.moes[row.moe_id]
            values: list = [text_cell(group.label), text_cell(row.program_code),
                            text_cell(("    " if row.is_category else "") + row.name),
                            None if row.is_category else text_cell(meta["unit"]),
                            None if row.is_category else _number(meta["baseline_value"])]
            statuses: list[str] = []
            for index, (label, target, actual, met) in enumerate(row.figures):
                if index < 2 and skip[label]:
                    continue
                for kind in shown:
                    values.append({"target": _number(target), "actual": _number(actual),
                                   "met": met.achievement}[kind])
                    statuses.append(met.status if kind == "met" else "")
            sheet.append(values)
            line = sheet._current_row  # max_row scans every cell: quadratic over a country's rows
            sheet.cell(line, 5).number_format = NUMBER_FORMAT
            for offset, status in enumerate(statuses):
                cell = sheet.cell(line, len(fixed) + offset + 1)
                if status:
                    cell.number_format = PERCENT_FORMAT
                    if status in STATUS_FILLS and cell.value is not None:
                        cell.fill = FILLS[status]
                        cell.number_format = f'0.0%" {STATUS_TEXT[status]}"'
                else:
                    cell.number_format = NUMBER_FORMAT
    sheet.freeze_panes = sheet.cell(header_row + 2, len(fixed) + 1)
    for index, width in enumerate([28, 14, 44, 14, 10], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for index in range(len(fixed) + 1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    log = book.create_sheet("Change log")
    log.append(["When (UTC)", "Who", "Record", "MOE", "Period", "Value after", "Status after", "Change", "Reason"])
    for cell in log[1]:
        cell.font = BOLD
    for change in changes:
        log.append([timezone.localtime(change["history_date"]).replace(tzinfo=None),
                    text_cell(change["who"]), change["record"], text_cell(change["moe__name"]), change["period"],
                    _number(change["value"]), change.get("status", ""), change["type"],
                    text_cell(change["history_change_reason"] or "")])
        log.cell(log._current_row, 1).number_format = "yyyy-mm-dd hh:mm"
        log.cell(log._current_row, 6).number_format = NUMBER_FORMAT
    for index, width in enumerate([17, 20, 12, 44, 11, 13, 12, 9, 40], start=1):
        log.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


def iptt_changes(moe_ids: list[int], *, limit: int = MAX_EXPORT_ROWS) -> list[dict]:
    """The change log of the MOEs' targets and measurements, newest first (at most
    ``limit`` entries): each historical record with the value after the change. Two
    queries."""
    fields = ["history_date", "history_type", "history_change_reason", "history_user__username",
              "history_actor", "moe__name", "period", "value"]
    found = []
    for record, model, extra in (("Target", Target, []), ("Measurement", Measurement, ["status"])):
        rows = (model.history.filter(moe_id__in=moe_ids).order_by("-history_date", "-history_id")
                .values(*fields, *extra)[:limit])
        for row in rows:
            row["record"] = record
            row["type"] = CHANGE_TYPES.get(row["history_type"], row["history_type"])
            row["who"] = row["history_user__username"] or row["history_actor"] or ""
            found.append(row)
    found.sort(key=lambda r: r["history_date"], reverse=True)
    return found[:limit]


CSV_HEADER = ["Group", "Program", "MOE", "Unit", "Baseline", "Cumulative", "Period", "Target", "Actual",
              "Percent met", "Status"]


def iptt_csv_lines(report: IpttReport) -> Iterator[str]:
    """The report as CSV text, line by line (for a streaming response): one row per MOE
    (or disaggregation category) and column, life of program and program to date first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield "\ufeff" + flush()
    for group in report.groups:
        for row in group.rows:
            meta = report.moes[row.moe_id]
            for label, target, actual, met in row.figures:
                writer.writerow([
                    text_cell(group.label), text_cell(row.program_code), text_cell(row.name),
                    text_cell(meta["unit"]), meta["baseline_value"], "yes" if meta["is_cumulative"] else "no",
                    label, "" if target is None else target, "" if actual is None else actual,
                    "" if met.achievement is None else round(met.achievement, 4),
                    "" if met.status == "no_data" else met.status.replace("_", " "),
                ])
            yield flush()

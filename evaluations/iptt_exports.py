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
from typing import TYPE_CHECKING

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from infrastructure.exports import MAX_EXPORT_ROWS, text_cell
from programs.models import Measurement, Target

from .selectors.iptt import STATUS_TEXT, IpttReport

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

NUMBER_FORMAT = "#,##0.####"
PERCENT_FORMAT = "0.0%"
STATUS_FILLS = {  # light fills (USWDS state "lighter" tints) so black text stays readable
    "on_track": "ECF3EC", "needs_attention": "FAF3D1", "off_track": "F4E3DB",
}
THIN = Side(style="thin", color="A9AEB1")
FIXED_COLUMNS = ["Group", "Program", "MOE", "Unit", "Baseline"]
FIXED_WIDTHS = [28, 14, 44, 14, 10]
PERIOD_WIDTH = 12
LOG_COLUMNS = ["When (UTC)", "Who", "Record", "MOE", "Period", "Value after", "Status after", "Change", "Reason"]
LOG_WIDTHS = [17, 20, 12, 44, 11, 13, 12, 9, 40]


def _styles() -> dict[str, NamedStyle]:
    """The workbook's cell styles by name: a cell takes a whole style in one step (the
    export writes tens of thousands of cells; one font, fill and format each would be
    three look-ups a cell)."""
    styles = [
        NamedStyle("iptt title", font=Font(bold=True, size=14)),
        NamedStyle("iptt header", font=Font(bold=True), border=Border(bottom=THIN),
                   alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)),
        NamedStyle("iptt log header", font=Font(bold=True)),
        NamedStyle("iptt number", number_format=NUMBER_FORMAT),
        NamedStyle("iptt percent", number_format=PERCENT_FORMAT),
        NamedStyle("iptt when", number_format="yyyy-mm-dd hh:mm"),
        *(NamedStyle(f"iptt {status}", fill=PatternFill("solid", fgColor=colour),
                     number_format=f'0.0%" {STATUS_TEXT[status]}"') for status, colour in STATUS_FILLS.items()),
    ]
    return {style.name: style for style in styles}


def _styled(sheet: WriteOnlyWorksheet, value, style: str) -> WriteOnlyCell:
    """A cell of ``sheet`` holding ``value`` in the named style ``style``."""
    cell = WriteOnlyCell(sheet, value)
    cell.style = style
    return cell


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def iptt_workbook(report: IpttReport, changes: list[dict]) -> bytes:
    """The report as an XLSX file (bytes): sheet "IPTT" (title rows, merged period
    headers, number and percent formats, status fills with the status in words) and sheet
    "Change log". Written row by row (openpyxl's write-only mode, cells styled by named
    styles): a country's 800 MOEs in well under a second of writing."""
    book = Workbook(write_only=True)
    for style in _styles().values():
        book.add_named_style(style)
    sheet = book.create_sheet("IPTT")

    def styled(value, style: str) -> WriteOnlyCell:
        return _styled(sheet, value, style)

    shown = [kind for kind in ("target", "actual", "met") if kind not in report.options.hidden] or ["actual"]
    groups = [label for key, label in (("lop", "Life of program"), ("ptd", "Program to date"))
              if key not in report.options.hidden] + [c.label for c in report.columns]
    fixed = FIXED_COLUMNS
    header_row = 2 + len(report.rules) + 2  # title, generated, the rules, a blank row
    # What write-only mode wants before the first row: column widths and the frozen panes.
    for index, width in enumerate(FIXED_WIDTHS + [PERIOD_WIDTH] * (len(groups) * len(shown)), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"{get_column_letter(len(fixed) + 1)}{header_row + 2}"
    sheet.append([styled(text_cell(report.title), "iptt title")])
    sheet.append([f"Generated {timezone.localtime():%Y-%m-%d %H:%M} UTC · {report.moe_count} MOEs · "
                  f"{'fiscal years' if report.options.frequency == 'annual' else 'each MOE’s own periods'}"])
    for rule in report.rules:
        sheet.append([rule])
    sheet.append([])
    labels = {"target": "Target", "actual": "Actual", "met": "% met"}
    first = fixed + [g if i == 0 else None for g in groups for i in range(len(shown))]
    second = [None] * len(fixed) + [labels[k] for _ in groups for k in shown]
    sheet.append([styled(value, "iptt header") for value in first])
    sheet.append([styled(value, "iptt header") for value in second])
    for index in range(len(fixed)):
        sheet.merged_cells.add(CellRange(min_row=header_row, max_row=header_row + 1,
                                         min_col=index + 1, max_col=index + 1))
    if len(shown) > 1:
        for number in range(len(groups)):
            column = len(fixed) + number * len(shown) + 1
            sheet.merged_cells.add(CellRange(min_row=header_row, max_row=header_row,
                                             min_col=column, max_col=column + len(shown) - 1))
    written = 0
    skip = {"Life of program": "lop" in report.options.hidden, "Program to date": "ptd" in report.options.hidden}
    for group in report.groups:
        for row in group.rows:
            if written >= MAX_EXPORT_ROWS:
                break
            written += 1
            meta = report.moes[row.moe_id]
            baseline = None if row.is_category else _number(meta["baseline_value"])
            values: list = [text_cell(group.label), text_cell(row.program_code),
                            text_cell(("    " if row.is_category else "") + row.name),
                            None if row.is_category else text_cell(meta["unit"]),
                            None if baseline is None else styled(baseline, "iptt number")]
            for index, (label, target, actual, met) in enumerate(row.figures):
                if index < 2 and skip[label]:
                    continue
                for kind in shown:
                    if kind == "met":
                        value = met.achievement
                        style = f"iptt {met.status}" if met.status in STATUS_FILLS else "iptt percent"
                    else:
                        value = _number(target if kind == "target" else actual)
                        style = "iptt number"
                    values.append(None if value is None else styled(value, style))
            sheet.append(values)
    log = book.create_sheet("Change log")
    for index, width in enumerate(LOG_WIDTHS, start=1):
        log.column_dimensions[get_column_letter(index)].width = width
    log.append([_styled(log, title, "iptt log header") for title in LOG_COLUMNS])
    for change in changes:
        value = _number(change["value"])
        log.append([_styled(log, timezone.localtime(change["history_date"]).replace(tzinfo=None), "iptt when"),
                    text_cell(change["who"]), change["record"], text_cell(change["moe__name"]), change["period"],
                    None if value is None else _styled(log, value, "iptt number"), change.get("status", ""),
                    change["type"], text_cell(change["history_change_reason"] or "")])
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

"""Downloadable templates, generated from the column definitions (never stored binaries).

CSV: one file per kind, header row only (or with example rows). XLSX: one workbook with
a sheet per kind and an "Instructions" sheet describing every column.
"""
from __future__ import annotations

import csv
import io

from .columns import KINDS, TableKind

INSTRUCTIONS_SHEET = "Instructions"


def example_rows(kind: TableKind) -> list[list[str]]:
    """Two example rows: a record and a continuation row (blank = as on the row above)."""
    first = [c.example for c in kind.columns]
    second = [c.example_more for c in kind.columns]
    return [first, second] if any(second) else [first]


def template_csv(kind: TableKind, *, with_examples: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(kind.names)
    if with_examples:
        writer.writerows(example_rows(kind))
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def template_xlsx(*, with_examples: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    instructions.append(["SSA Portal import template"])
    instructions.append(["Fill one or more sheets; an empty sheet is ignored. Columns marked * are required. "
                         "Re-importing the same file changes nothing."])
    instructions.append([])
    instructions.append(["sheet", "column", "required", "meaning"])
    for kind in KINDS:
        for column in kind.columns:
            instructions.append([kind.sheet_name, column.name, "*" if column.required else "", column.help])
    instructions["A1"].font = Font(bold=True, size=14)
    for kind in KINDS:
        sheet = workbook.create_sheet(kind.sheet_name)
        sheet.append(kind.names)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        if with_examples:
            for row in example_rows(kind):
                sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

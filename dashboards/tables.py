"""What a dashboard shows: tables of figures (each exportable to CSV) and the charts drawn
from them. Selectors build these; templates render them generically; the export view
writes a table's rows as they are, so the download always equals the page.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Link:
    """A cell that links to the underlying record (the CSV gets the text)."""

    text: Any
    url: str

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | money | number | percent | score | date | datetime | band | status


@dataclass
class Table:
    """One table of a dashboard. ``computed_at``: when the figures were computed (a
    summary table's timestamp), or None for live aggregates read at page load."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    computed_at: dt.datetime | None = None
    note: str = ""
    empty_message: str = "Nothing to show yet."

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def export_rows(self) -> list[list[Any]]:
        """Rows as plain values for CSV (links become their text)."""
        return [[cell.text if isinstance(cell, Link) else cell for cell in row] for row in self.rows]

    def cells(self) -> list[list[tuple[str, bool]]]:
        """Each row as (cell HTML, is numeric) pairs, formatted once for the template."""
        from .formatting import NUMERIC_KINDS, cell_html

        kinds = [(column.kind, column.kind in NUMERIC_KINDS) for column in self.columns]
        return [[(cell_html(value, kind), numeric) for value, (kind, numeric) in zip(row, kinds)] for row in self.rows]


@dataclass
class Chart:
    """A Chart.js chart drawn by static/js/charts.js from ``spec`` (json_script); the
    table with ``table_key`` holds the same figures for screen readers and export."""

    key: str
    title: str
    table_key: str
    kind: str  # bar | line | scatter | radar
    labels: list[str] = field(default_factory=list)
    datasets: list[dict] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""
    stacked: bool = False
    horizontal: bool = False
    y_max: float | None = None

    @property
    def data_id(self) -> str:
        return f"{self.key}-data"

    @property
    def is_empty(self) -> bool:
        """No figure to draw: no data, or only zeros and blanks (an empty state instead
        of a chart of flat bars)."""
        return not any(
            isinstance(value, dict) or value not in (None, 0)
            for dataset in self.datasets for value in dataset.get("data", [])
        )

    @property
    def spec(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": self.labels,
            "datasets": [
                {**dataset, "data": [_json_number(v) for v in dataset.get("data", [])]} for dataset in self.datasets
            ],
            "xLabel": self.x_label,
            "yLabel": self.y_label,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "yMax": self.y_max,
        }


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _json_number(v) for k, v in value.items()}
    return value

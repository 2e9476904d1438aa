"""CSV for list endpoints: ``?format=csv`` (or ``Accept: text/csv``) renders the page's
rows, nested values flattened (``funding`` becomes ``funding`` as "FY2026: ..." text,
lists of ids joined with ``;``)."""
import csv
import io
from typing import Any

from rest_framework.renderers import BaseRenderer

from infrastructure.exports import text_cell


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}={_flat(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ";".join(_flat(v) if not isinstance(v, dict) else "{" + _flat(v) + "}" for v in value)
    return str(value)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            rows = data["results"]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [data]
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([text_cell(_flat(row.get(c))) for c in columns])  # no formulas (CSV injection)
        return buffer.getvalue().encode(self.charset)

"""How dashboard figures read on screen: money, percentages, scores, dates, record links.
Cells are formatted once in Python (not per cell in the template engine): tables of
hundreds of rows stay cheap to render."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .tables import Link

NUMERIC_KINDS = frozenset({"money", "musd", "percent", "score", "number"})


def plain(value: Any, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "money":
        return f"${int(Decimal(value).quantize(Decimal('1'))):,}"
    if kind == "musd":
        return f"${Decimal(value) / 1_000_000:,.1f} M"
    if kind == "percent":
        return f"{float(value):.1f} %"
    if kind == "score":
        return f"{float(value):.1f}"
    if kind == "number":
        return f"{value:,}" if isinstance(value, int) else intcomma(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return str(value)


def coverage_cell_html(cell: dict) -> SafeString:
    """A covered cell of the goal coverage matrix: its running programs, obligated funding
    and achievement (``cell``: programs, obligated, achievement)."""
    return format_html(
        '<td class="cell covered"><span class="cell-programs">{} program{}</span>'
        '<span class="cell-funding">{}</span><span class="cell-achievement">{}</span></td>',
        cell["programs"], "" if cell["programs"] == 1 else "s", plain(cell["obligated"], "money"),
        plain(cell["achievement"], "percent"))


def cell_html(value: Any, kind: str = "text") -> SafeString:
    """A table cell: a link to the record, a status badge, or the formatted value."""
    if isinstance(value, Link):
        return format_html('<a href="{}">{}</a>', value.url, plain(value.text, kind))
    if kind in ("band", "status") and value:
        slug = str(value).lower().replace(" ", "_")
        return format_html('<span class="badge status-{} band-{}">{}</span>', slug, slug, value)
    if kind in NUMERIC_KINDS:
        return mark_safe(plain(value, kind))  # digits, "$", ",", ".", "%", "M" or a dash only
    return escape(plain(value, kind))

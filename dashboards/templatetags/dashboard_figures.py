"""Formatting of dashboard figures: money, percentages, scores, dates and record links."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.html import format_html

from ..tables import Link

register = template.Library()


def _plain(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind == "money":
        return f"${intcomma(int(Decimal(value).quantize(Decimal('1'))))}"
    if kind == "musd":
        return f"${Decimal(value) / 1_000_000:,.1f} M"
    if kind == "percent":
        return f"{float(value):.1f} %"
    if kind == "score":
        return f"{float(value):.1f}"
    if kind == "number":
        return intcomma(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d %b %Y %H:%M") if timezone.is_aware(value) else value.strftime("%d %b %Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return str(value)


@register.simple_tag
def figure(value, kind: str = "text"):
    """A table cell: a link to the record, or the value formatted for its column kind."""
    if isinstance(value, Link):
        return format_html('<a href="{}">{}</a>', value.url, _plain(value.text, kind))
    if kind in ("band", "status") and value:
        slug = str(value).lower().replace(" ", "_")
        return format_html('<span class="badge status-{} band-{}">{}</span>', slug, slug, value)
    return _plain(value, kind)


@register.filter
def is_numeric_kind(kind: str) -> bool:
    return kind in ("money", "percent", "score", "number")

"""``us_date`` and ``us_datetime``: the only way templates show a date or a time
(``infrastructure.dates`` holds the rule; a test refuses other ``|date:"..."`` formats).

``{{ program.updated_at|us_datetime }}`` ->
``<time datetime="2026-11-30T21:20:48-05:00">Nov 30, 2026, 9:20 PM EST</time>``;
``{{ moe.baseline_date|us_date }}`` -> ``<time datetime="2026-12-01">Dec 1, 2026</time>``.
None gives ``""``, so ``|default:"—"`` still applies.
"""
from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils.html import format_html

from infrastructure.dates import date_text, datetime_iso, datetime_text, in_display_zone

register = template.Library()


@register.filter
def us_date(value: date | datetime | None) -> str:
    """A date as ``<time datetime="2026-12-01">Dec 1, 2026</time>`` (a datetime: its day in
    the display time zone); None or "" -> ""."""
    if value is None or value == "":
        return ""
    day = in_display_zone(value).date() if isinstance(value, datetime) else value
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), date_text(day))


@register.filter
def us_datetime(value: datetime | None) -> str:
    """An instant as ``<time datetime="ISO 8601">Dec 1, 2026, 9:20 PM EST</time>`` in the
    display time zone; a plain date as ``us_date``; None or "" -> ""."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return us_date(value)
    return format_html('<time datetime="{}">{}</time>', datetime_iso(value), datetime_text(value))

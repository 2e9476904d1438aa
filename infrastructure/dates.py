"""Dates and times as people read them, and as files carry them: the one definition.

People read dates month first ("Dec 1, 2026") and times in the portal's time zone
(``settings.DISPLAY_TIME_ZONE``, America/New_York by default) with the zone named
("Dec 1, 2026, 9:20 PM EST"); the formats are ``ssa_portal/formats/en/formats.py``.
Files (CSV, XLSX) carry timestamps as ISO 8601 with the offset
("2026-11-30T21:20:48-05:00"), so a spreadsheet or a program reads the instant exactly.
Templates use the ``us_date`` / ``us_datetime`` filters (``infrastructure.templatetags.
portal_dates``), which wrap these in ``<time datetime="...">``.
"""
from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format


@lru_cache(maxsize=4)
def _zone(name: str) -> tzinfo:
    return ZoneInfo(name)


def display_zone() -> tzinfo:
    """The time zone people read times in (``settings.DISPLAY_TIME_ZONE``)."""
    return _zone(settings.DISPLAY_TIME_ZONE)


def in_display_zone(value: datetime) -> datetime:
    """An aware ``value`` in the display time zone; a naive one is taken as UTC (storage)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.utc)
    return value.astimezone(display_zone())


def date_text(value: date | datetime | None) -> str:
    """``date(2026, 12, 1)`` -> ``"Dec 1, 2026"``; a datetime gives its date in the display
    time zone; None -> ``""``."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = in_display_zone(value)
    return date_format(value, get_format("DATE_FORMAT"))


def datetime_text(value: datetime | None) -> str:
    """An instant as ``"Dec 1, 2026, 9:20 PM EST"`` in the display time zone; None -> ``""``.
    A plain date gives ``date_text``."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return date_text(value)
    return date_format(in_display_zone(value), get_format("DATETIME_FORMAT"))


def datetime_iso(value: datetime) -> str:
    """An instant as ISO 8601 with its offset, to the second, in the display time zone
    (``"2026-11-30T21:20:48-05:00"``): for files and ``<time datetime>``."""
    return in_display_zone(value).isoformat(timespec="seconds")


def instant_labels(values: list[datetime]) -> list[str]:
    """Axis labels for instants (a chart's points): each its date ("Dec 1, 2026"), and the
    time too ("Dec 1, 2026, 9:20 PM EST") only where two points fall on the same day, so
    no two labels read the same without reason. Pure."""
    days = [date_text(value) for value in values]
    repeated = {day for day in days if days.count(day) > 1}
    return [datetime_text(value) if day in repeated else day for value, day in zip(values, days)]

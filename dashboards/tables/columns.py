"""How dashboard figures read in a table: one django-tables2 column per kind of figure
(money, millions, percent, score, number, date, time, status tag (USWDS usa-tag), record link).

Each column formats the page's cell (HTML, escaped) and gives the export its plain value
(numbers and dates as they are, so a spreadsheet can sum them; text through
``infrastructure.exports.cell_value``, which defuses formulas). An empty figure reads "—"
on the page and is an empty cell in the export.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from infrastructure.exports import cell_value
from infrastructure import dates

EMPTY = "—"


def money_text(value: Decimal | int | None) -> str:
    """Whole US dollars with thousands separators: ``$1,234,567``."""
    return EMPTY if value in (None, "") else f"${int(Decimal(value).quantize(Decimal('1'))):,}"


def musd_text(value: Decimal | int | None) -> str:
    """US dollars as millions, one decimal: ``$1.2 M``."""
    return EMPTY if value in (None, "") else f"${Decimal(value) / 1_000_000:,.1f} M"


def percent_text(value: float | None) -> str:
    """A percentage (already x100), one decimal: ``87.5 %``."""
    return EMPTY if value in (None, "") else f"{float(value):.1f} %"


def score_text(value: Decimal | float | None) -> str:
    """A score (0-100 or a component), one decimal."""
    return EMPTY if value in (None, "") else f"{float(value):.1f}"


def number_text(value: int | None) -> str:
    """A count with thousands separators."""
    if value in (None, ""):
        return EMPTY
    return f"{value:,}" if isinstance(value, int) else intcomma(value)


def date_text(value: dt.date | None) -> str:
    """A date as ``Nov 30, 2026`` (``infrastructure.dates``)."""
    return EMPTY if value is None else dates.date_text(value)


def datetime_text(value: dt.datetime | None) -> str:
    """A time in the portal's display time zone, as ``Nov 30, 2026, 4:05 PM EST``."""
    return EMPTY if value is None else dates.datetime_text(value)


FIGURE_TEXT = {"money": money_text, "musd": musd_text, "percent": percent_text, "score": score_text,
               "number": number_text, "date": date_text, "datetime": datetime_text}


def figure_html(value: Any, kind: str = "text") -> SafeString:
    """A figure outside a table (totals tiles, score panels): formatted for its kind."""
    text = FIGURE_TEXT.get(kind)
    if text is None:
        return format_html("{}", EMPTY if value in (None, "") else value)
    return mark_safe(text(value))  # digits, "$", ",", ".", "%", "M", a date or a dash only


class TextColumn(tables.Column):
    """Plain text; an empty value reads "—". ``numeric``: right-aligned figures."""

    numeric = False

    def __init__(self, verbose_name: str, **kwargs):
        kwargs.setdefault("default", EMPTY)
        kwargs.setdefault("orderable", False)
        super().__init__(verbose_name, **kwargs)

    def value(self, value: Any) -> Any:
        return cell_value(value)


class FigureColumn(TextColumn):
    """A number, right-aligned, formatted by ``text`` (one of the ``*_text`` functions)."""

    text = staticmethod(number_text)
    numeric = True

    def render(self, value: Any) -> SafeString:
        return mark_safe(self.text(value))


class NumberColumn(FigureColumn):
    text = staticmethod(number_text)


class MoneyColumn(FigureColumn):
    text = staticmethod(money_text)


class PercentColumn(FigureColumn):
    text = staticmethod(percent_text)


class ScoreColumn(FigureColumn):
    text = staticmethod(score_text)


class DateColumn(TextColumn):
    def render(self, value: dt.date) -> str:
        return date_text(value)


class DateTimeColumn(TextColumn):
    def render(self, value: dt.datetime) -> str:
        return datetime_text(value)


class LabelColumn(TextColumn):
    """A stored code shown by its label (``labels``: code -> label, e.g. a model's choices)."""

    def __init__(self, verbose_name: str, *, labels: dict, **kwargs):
        self.labels = labels
        super().__init__(verbose_name, **kwargs)

    def render(self, value: Any) -> str:
        return self.labels.get(value, value)

    def value(self, value: Any) -> Any:
        return cell_value(self.labels.get(value, value))


class BadgeColumn(LabelColumn):
    """A status or band as a tag whose class names the state (``status-<code>``); give
    ``labels`` a None key and ``empty_values=()`` to show a missing state as a tag too."""

    def render(self, value: Any) -> SafeString:
        label = self.labels.get(value, value)
        slug = str(label).lower().replace(" ", "_")
        return format_html('<span class="usa-tag status-{} band-{}">{}</span>', slug, slug, label)


def program_label_html(code: str, title: str) -> SafeString:
    """A program as "<code> <title>", its code kept on one line (``record-code``: a code
    such as DOD-2026-0042 never breaks at its hyphens)."""
    return format_html('<span class="record-code">{}</span> {}', code, title)


class RecordLinkColumn(TextColumn):
    """Text linking to a record: ``url`` turns the row (a dict) into the address; the
    export gets the text. ``is_code``: the text is a record's code, kept on one line."""

    def __init__(self, verbose_name: str, *, url, is_code: bool = False, **kwargs):
        self.url = url
        self.is_code = is_code
        super().__init__(verbose_name, **kwargs)

    def render(self, value: Any, record: dict) -> SafeString:
        if self.is_code:
            return format_html('<a class="record-code" href="{}">{}</a>', self.url(record), value)
        return format_html('<a href="{}">{}</a>', self.url(record), value)

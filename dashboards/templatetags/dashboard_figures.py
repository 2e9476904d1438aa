"""Figures outside the dashboards' tables: tiles, score panels and the goal coverage
matrix, formatted as the tables' columns format them (dashboards.tables.columns)."""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..tables.columns import figure_html, money_text, percent_text

register = template.Library()


@register.simple_tag
def figure(value, kind: str = "text") -> SafeString:
    """A figure formatted for its kind (money, musd, percent, score, number, date, ...)."""
    return figure_html(value, kind)


@register.simple_tag
def coverage_cell(cell: dict) -> SafeString:
    """A covered cell of the goal coverage matrix: its running programs, obligated funding
    and achievement (``cell``: a CoverageCell)."""
    return format_html(
        '<td class="cell covered"><span class="cell-programs">{} program{}</span>'
        '<span class="cell-funding">{}</span><span class="cell-achievement">{}</span></td>',
        cell["programs"], "" if cell["programs"] == 1 else "s", money_text(cell["obligated"]),
        percent_text(cell["achievement"]))


@register.simple_tag
def map_swatch(colour: str) -> SafeString:
    """A legend square of a map colour (SVG: it prints, and needs no style attribute)."""
    from ..maps.drawing import legend_swatch

    return legend_swatch(colour)

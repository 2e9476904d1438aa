"""Template access to the dashboards' figure formatting (dashboards.formatting)."""
from __future__ import annotations

from django import template

from ..formatting import NUMERIC_KINDS, cell_html, coverage_cell_html

register = template.Library()


@register.simple_tag
def figure(value, kind: str = "text"):
    """A figure formatted for its kind (money, musd, percent, score, number, date, ...)."""
    return cell_html(value, kind)


@register.simple_tag
def coverage_cell(cell: dict):
    """A covered cell of the goal coverage matrix (programs, funding, achievement)."""
    return coverage_cell_html(cell)


@register.filter
def is_numeric_kind(kind: str) -> bool:
    return kind in NUMERIC_KINDS


@register.simple_tag
def map_swatch(colour: str):
    """A legend square of a map colour (SVG: it prints, and needs no style attribute)."""
    from ..maps.drawing import legend_swatch

    return legend_swatch(colour)

"""Template filters for rollup figures."""
from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.873 -> "87.3%"; None -> "—"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"

"""``{{ job.row_count|counted:"row" }}`` -> "5 rows" (``infrastructure.wording.counted``);
an irregular plural after a comma: ``{{ n|counted:"entry,entries" }}``."""
from django import template

from infrastructure.wording import counted as _counted

register = template.Library()


@register.filter
def counted(count: int | None, nouns: str) -> str:
    """The count with thousands separators and its noun, singular or plural."""
    noun, _, plural = nouns.partition(",")
    return _counted(count or 0, noun, plural or None)

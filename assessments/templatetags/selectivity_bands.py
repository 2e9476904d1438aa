"""``{{ code|band_label }}``: a selectivity band as people read it (``assessments.models.band_label``)."""
from django import template

from assessments.models import band_label as _band_label

register = template.Library()


@register.filter
def band_label(code: str) -> str:
    """``"deprioritise"`` -> ``"Deprioritize"``; no score -> ``"No score"``."""
    return _band_label(code or "")

"""``{{ value|plain_number }}``: an MOE value at its own precision (programs.numbers)."""
from django import template

from ..numbers import plain_decimal

register = template.Library()


@register.filter
def plain_number(value) -> str:
    return plain_decimal(value)

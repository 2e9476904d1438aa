"""Fragments of raw SQL shared by the set-based reports (dashboard flags, coordination
checks): one definition of "running" and of who needs vetting, taken from the models."""
from __future__ import annotations

from collections.abc import Iterable

from ..models import RUNNING_STATUSES, VETTING_EXEMPT_INSTITUTION_TYPES


def sql_literal_list(values: Iterable[str]) -> str:
    """``('a', 'b')`` for code constants (never user input) inside an SQL ``IN``."""
    quoted = ", ".join("'" + str(value).replace("'", "''") + "'" for value in values)
    return f"({quoted})"


RUNNING_SQL = sql_literal_list(RUNNING_STATUSES)
VETTING_EXEMPT_SQL = sql_literal_list(VETTING_EXEMPT_INSTITUTION_TYPES)

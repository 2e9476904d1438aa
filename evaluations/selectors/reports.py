"""The target-vs-actual report: MOEs x periods with targets, actuals, achievement and
status, per program or per country (its running programs)."""
from __future__ import annotations

from django.db.models import QuerySet

from programs.models import Country, Program

from ..models import MoeAchievement
from .rollups import running_program_ids_in_country

COLUMNS = [
    ("Program", "program.code"),
    ("Program title", "program.title"),
    ("MOE", "moe.name"),
    ("Unit", "moe.unit"),
    ("Direction", "moe.direction"),
    ("Cumulative", "moe.is_cumulative"),
    ("Baseline", "moe.baseline_value"),
    ("Period", "period"),
    ("Target", "target"),
    ("Actual", "actual"),
    ("Achievement", lambda r: None if r.achievement is None else round(r.achievement, 4)),
    ("Status", lambda r: r.get_status_display()),
    ("No data because", lambda r: r.get_no_data_reason_display() if r.no_data_reason else ""),
    ("Computed at", "computed_at"),
]


def _rows(filter_kwargs: dict) -> QuerySet[MoeAchievement]:
    return (
        MoeAchievement.objects.filter(**filter_kwargs)
        .select_related("moe", "program")
        .order_by("program__code", "moe_id", "period_end", "period")
    )


def target_vs_actual_for_program(program: Program) -> QuerySet[MoeAchievement]:
    """The target-vs-actual rows (MOE x period) of one program."""
    return _rows({"program": program})


def target_vs_actual_for_country(country: Country) -> QuerySet[MoeAchievement]:
    """The target-vs-actual rows of the running programs of one country."""
    return _rows({"program_id__in": running_program_ids_in_country(country.id)})

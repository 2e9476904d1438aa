"""Strategies and objectives linking programs to goals, for the results framework."""
from __future__ import annotations

from programs import models as m

from . import programs as factories


def objective(*, code: str, goals: list[m.Goal], programs: list[m.Program] = (), iso3: str = "KEN",
              strategy: m.Strategy | None = None) -> m.Objective:
    """An objective (of a country strategy of ``iso3``, made if not given) serving
    ``goals``, linked to ``programs``."""
    strategy = strategy or m.Strategy.objects.create(
        title=f"{iso3} strategy", scope="country", country=factories.country(iso3), start_fy=2025, end_fy=2029)
    made = m.Objective.objects.create(strategy=strategy, code=code, description=f"Objective {code}")
    made.goals.set(goals)
    for program in programs:
        program.objectives.add(made)
    return made

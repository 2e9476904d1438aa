"""The overlap rule (DESIGN.md section 3, "overlap"): the small pure reference, held equal
by tests to the set-based SQL of :func:`evaluations.selectors.coordination_rules._overlap`
that stores the findings and counts the dashboards' overlap flags.

A finding is a group (a country and a goal, or a partner institution under its own
country) served by running programs (:data:`programs.models.RUNNING_STATUSES`, not
archived) of two or more lead agencies in at least one common fiscal year. Which country
scopes a group: a goal (the same everywhere) counts under every country of each program
serving it; a partner institution only under the institution's own country, whatever the
program's countries (a partner unit belongs to one country), as the vetting rule does
(:mod:`evaluations.computations.vetting`). The finding names the first and last
overlapping year and the programs whose years meet that span.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class OverlapProgram:
    """A program with what the rule reads of it: fiscal years (inclusive), lead agency,
    countries, goals, and the partner institutions it serves as (institution_id,
    the institution's country_id) pairs."""

    id: int
    running: bool  # a running status and not archived
    lead_agency_id: int
    start_fy: int
    end_fy: int
    country_ids: frozenset[int]
    goal_ids: frozenset[int] = frozenset()
    institutions: frozenset[tuple[int, int]] = frozenset()


# (country_id, on_kind 'goal' | 'institution', on_id, first_fy, last_fy, program ids)
OverlapFinding = tuple[int, str, int, int, int, frozenset[int]]


def overlap_groups(programs: Iterable[OverlapProgram]) -> dict[tuple[int, str, int], list[OverlapProgram]]:
    """The running programs of each (country_id, on_kind, on_id) group: goals under each
    of the program's countries, institutions under their own country."""
    groups: dict[tuple[int, str, int], list[OverlapProgram]] = defaultdict(list)
    for program in programs:
        if not program.running:
            continue
        for country_id in program.country_ids:
            for goal_id in program.goal_ids:
                groups[(country_id, "goal", goal_id)].append(program)
        for institution_id, country_id in program.institutions:
            groups[(country_id, "institution", institution_id)].append(program)
    return groups


def overlap_findings(programs: Iterable[OverlapProgram], *,
                     country_ids: Iterable[int] | None = None) -> set[OverlapFinding]:
    """The findings in scope (``country_ids``: the groups' countries; None: everywhere)."""
    scope = None if country_ids is None else set(country_ids)
    found = set()
    for (country_id, on_kind, on_id), members in overlap_groups(programs).items():
        if scope is not None and country_id not in scope:
            continue
        years = sorted({fy for p in members for fy in range(p.start_fy, p.end_fy + 1)
                        if len({q.lead_agency_id for q in members if q.start_fy <= fy <= q.end_fy}) > 1})
        if years:
            first, last = years[0], years[-1]
            serving = frozenset(p.id for p in members if p.start_fy <= last and p.end_fy >= first)
            found.add((country_id, on_kind, on_id, first, last, serving))
    return found

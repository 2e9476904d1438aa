"""Funding aggregates of the dashboards, in the database (never a query per row).

Money is US dollars (Decimal) from ``programs.Funding`` rows of programs that are not
archived. Attribution rules, stated on the pages:
- a program's funding counts in full for each of its countries (a regional program
  counts in each country, as in the rollups), so country figures can add up to more
  than the portfolio total;
- for a region or a goal, each program counts once (distinct programs touching the
  region / serving the goal; a sub-goal "1.a" counts for its parent goal "1").

Each set-based function has a small pure reference (``*_reference``) that the tests hold
equal on generated data.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from programs.models import Funding, Program, RegionScheme
from infrastructure.sql import db_datetime, ids_in
from programs.selectors.sql import RUNNING_SQL

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=20, decimal_places=2)


@dataclass(frozen=True)
class Money:
    """Planned, obligated and disbursed USD."""

    planned: Decimal = ZERO
    obligated: Decimal = ZERO
    disbursed: Decimal = ZERO


def scope_programs(country_ids: Iterable[int] | None) -> QuerySet[Program]:
    """Programs (not archived) with at least one country in scope (None: all programs)."""
    programs = Program.objects.filter(archived_at__isnull=True)
    if country_ids is not None:
        programs = programs.filter(id__in=Program.countries.through.objects.filter(
            country_id__in=list(country_ids)).values("program_id"))
    return programs


def _sums() -> dict:
    return {
        name: Coalesce(Sum(name), Value(ZERO), output_field=MONEY) for name in ("planned", "obligated", "disbursed")
    }


def funding_by_fiscal_year(country_ids: Iterable[int] | None) -> list[dict]:
    """Planned / obligated / disbursed per fiscal year over the distinct programs in scope."""
    return list(
        Funding.objects.filter(program__in=scope_programs(country_ids).values("id"))
        .values("fiscal_year").annotate(**_sums()).order_by("fiscal_year")
    )


def funding_by_status(country_ids: Iterable[int] | None) -> list[dict]:
    """Program count and funding (all fiscal years) per program status."""
    programs = scope_programs(country_ids).values("status").annotate(
        programs=Count("id", distinct=True), **{name: Coalesce(Sum(f"funding__{name}"), Value(ZERO), output_field=MONEY)
                                 for name in ("planned", "obligated", "disbursed")}
    ).order_by("status")
    return list(programs)


_PROGRAM_TOTALS = """
    SELECT f.program_id, SUM(f.planned) AS planned, SUM(f.obligated) AS obligated,
           SUM(f.disbursed) AS disbursed,
           SUM(CASE WHEN f.fiscal_year BETWEEN %s AND %s THEN f.obligated ELSE 0 END) AS window_obligated
    FROM programs_funding f GROUP BY f.program_id
"""


def funding_by_country(country_ids: Iterable[int] | None, window: tuple[int, int]) -> dict[int, dict]:
    """Country id -> planned, obligated, disbursed (all years), window_obligated (the
    obligated USD over ``window``, inclusive fiscal years) and running program count."""
    where, params = ids_in("pc.country_id", country_ids)
    sql = f"""
        SELECT pc.country_id,
               COALESCE(SUM(t.planned), 0), COALESCE(SUM(t.obligated), 0), COALESCE(SUM(t.disbursed), 0),
               COALESCE(SUM(t.window_obligated), 0), COUNT(pc.program_id),
               SUM(CASE WHEN p.status IN {RUNNING_SQL} THEN 1 ELSE 0 END)
        FROM programs_program_countries pc
        JOIN programs_program p ON p.id = pc.program_id AND p.archived_at IS NULL
        LEFT JOIN ({_PROGRAM_TOTALS}) t ON t.program_id = pc.program_id
        WHERE {where}
        GROUP BY pc.country_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [window[0], window[1], *params])
        return {
            row[0]: {"planned": _dec(row[1]), "obligated": _dec(row[2]), "disbursed": _dec(row[3]),
                     "window_obligated": _dec(row[4]), "programs": int(row[5]), "running": int(row[6] or 0)}
            for row in cursor.fetchall()
        }


def funding_by_region(*, scheme: str, country_ids: Iterable[int] | None = None) -> list[dict]:
    """Each region of ``scheme``: distinct programs touching it and their funding (each
    program once per region), with the precomputed region rollup."""
    column = "state_bureau_id" if scheme == RegionScheme.STATE_BUREAU else "combatant_command_id"
    where, params = ids_in("pc.country_id", country_ids)
    sql = f"""
        SELECT r.id, r.code, r.name, COUNT(pr.program_id),
               COALESCE(SUM(t.planned), 0), COALESCE(SUM(t.obligated), 0), COALESCE(SUM(t.disbursed), 0),
               rr.achievement, rr.computed_at
        FROM programs_region r
        LEFT JOIN (
            SELECT DISTINCT pc.program_id, c.{column} AS region_id
            FROM programs_program_countries pc
            JOIN programs_country c ON c.id = pc.country_id
            JOIN programs_program p ON p.id = pc.program_id AND p.archived_at IS NULL
            WHERE {where}
        ) pr ON pr.region_id = r.id
        LEFT JOIN ({_PROGRAM_TOTALS}) t ON t.program_id = pr.program_id
        LEFT JOIN evaluations_regionrollup rr ON rr.region_id = r.id
        WHERE r.scheme = %s
        GROUP BY r.id, r.code, r.name, rr.achievement, rr.computed_at
        ORDER BY r.code
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, 0, 0, scheme])
        return [
            {"id": row[0], "code": row[1], "name": row[2], "programs": int(row[3]), "planned": _dec(row[4]),
             "obligated": _dec(row[5]), "disbursed": _dec(row[6]), "achievement": row[7], "computed_at": db_datetime(row[8])}
            for row in cursor.fetchall()
        ]


# Achievement of a group of programs from their precomputed ProgramRollup rows: the
# funding-weighted mean of the capped achievement (DESIGN.md section 3), equal weights
# when no program with data has funding. ``pr`` is evaluations_programrollup.
ACHIEVEMENT_SQL = """
    CASE WHEN SUM(CASE WHEN pr.achievement IS NOT NULL THEN pr.funding_weight ELSE 0 END) > 0
         THEN SUM(CASE WHEN pr.achievement IS NOT NULL THEN pr.achievement * pr.funding_weight ELSE 0 END)
              / SUM(CASE WHEN pr.achievement IS NOT NULL THEN pr.funding_weight ELSE 0 END)
         ELSE AVG(pr.achievement) END
"""


def funding_by_goal(country_ids: Iterable[int] | None = None) -> list[dict]:
    """Each principal goal (1..4): distinct programs in scope serving it or one of its
    sub-goals, their funding (each program once), running programs and their achievement
    (from ProgramRollup), and the precomputed portfolio goal rollup."""
    where, params = ids_in("pc.country_id", country_ids)
    # Aggregated per goal before joining the four principal goals: joined first, the
    # sub-goal-to-goal expression made the planner expect 601 program rows for 27,896 at
    # the large size and look each program and rollup up one by one (1 s cold).
    sql = f"""
        SELECT g.id, g.code, g.title, COALESCE(a.programs, 0),
               COALESCE(a.planned, 0), COALESCE(a.obligated, 0), COALESCE(a.disbursed, 0),
               COALESCE(a.running, 0), a.achievement, a.computed_at, gr.achievement, gr.computed_at
        FROM programs_goal g
        LEFT JOIN (
            SELECT pg.goal_id, COUNT(p.id) AS programs,
                   SUM(t.planned) AS planned, SUM(t.obligated) AS obligated, SUM(t.disbursed) AS disbursed,
                   SUM(CASE WHEN p.status IN {RUNNING_SQL} THEN 1 ELSE 0 END) AS running,
                   {ACHIEVEMENT_SQL.replace('pr.', 'rp.')} AS achievement, MAX(rp.computed_at) AS computed_at
            FROM (
                SELECT DISTINCT x.program_id, COALESCE(sg.parent_id, sg.id) AS goal_id
                FROM programs_program_goals x
                JOIN programs_goal sg ON sg.id = x.goal_id
                WHERE x.program_id IN (
                    SELECT pc.program_id FROM programs_program_countries pc WHERE {where})
            ) pg
            JOIN programs_program p ON p.id = pg.program_id AND p.archived_at IS NULL
            LEFT JOIN ({_PROGRAM_TOTALS}) t ON t.program_id = p.id
            LEFT JOIN evaluations_programrollup rp ON rp.program_id = p.id AND p.status IN {RUNNING_SQL}
            GROUP BY pg.goal_id
        ) a ON a.goal_id = g.id
        LEFT JOIN evaluations_goalrollup gr ON gr.goal_id = g.id
        WHERE g.parent_id IS NULL
        ORDER BY g.sort_order, g.code
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, 0, 0])
        return [
            {"id": row[0], "code": row[1], "title": row[2], "programs": _count_not_null(row[3]),
             "planned": _dec(row[4]), "obligated": _dec(row[5]), "disbursed": _dec(row[6]),
             "running": int(row[7] or 0), "scope_achievement": _float(row[8]), "scope_computed_at": db_datetime(row[9]),
             "achievement": row[10], "computed_at": db_datetime(row[11])}
            for row in cursor.fetchall()
        ]


def _count_not_null(value) -> int:
    return int(value or 0)


def _dec(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _float(value) -> float | None:
    return None if value is None else float(value)


# --- pure references (for the tests and for explaining a figure) -----------------------


def country_funding_reference(programs: Iterable[dict]) -> dict[int, Money]:
    """``programs``: dicts with ``country_ids`` and ``funding`` (list of (planned,
    obligated, disbursed)); archived programs are not passed in. Each program's full
    funding counts for each of its countries."""
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for program in programs:
        sums = [sum((row[i] for row in program["funding"]), ZERO) for i in range(3)]
        for country_id in set(program["country_ids"]):
            for i in range(3):
                totals[country_id][i] += sums[i]
    return {cid: Money(*values) for cid, values in totals.items()}


def group_funding_reference(programs: Iterable[dict], group_of_country: dict[int, int]) -> dict[int, Money]:
    """Funding per group (a region) counting each program once per group it touches."""
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
    for program in programs:
        sums = [sum((row[i] for row in program["funding"]), ZERO) for i in range(3)]
        for group in {group_of_country[c] for c in program["country_ids"]}:
            for i in range(3):
                totals[group][i] += sums[i]
    return {gid: Money(*values) for gid, values in totals.items()}

"""Set-based SQL for MOE achievement and rollups (the bulk face of
:mod:`evaluations.computations.achievement`, held equal to it by tests).

Five statements, each one pass over its inputs with the aggregates in the database:
MOE-period achievements (delete + insert), program rollups, then country, region and goal
rollups (upserts). A scope limits each statement to the programs / groups affected by a
change; ``None`` means everything. Each query function returns ``(sql, params)``: ids,
years and timestamps are ``%s`` parameters; the status thresholds and the running
statuses are written from the Python constants of
:mod:`evaluations.computations.achievement` and :mod:`programs.models`.

Written for PostgreSQL (the production engine); the constructs used (CTEs, window
functions, ``ON CONFLICT``) exist in SQLite >= 3.30 too, except the JSON aggregate,
picked per vendor.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from infrastructure.sql import ids_in
from programs.selectors.sql import RUNNING_SQL

from .achievement import NEEDS_ATTENTION_FROM, ON_TRACK_FROM

Statement = tuple[str, list]


def _json_agg(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"jsonb_agg({expression} ORDER BY {expression})"
    return f"json_group_array({expression})"


def _capped(expression: str) -> str:
    return f"(CASE WHEN {expression} > 1 THEN 1.0 WHEN {expression} < 0 THEN 0.0 ELSE {expression} END)"


def _status(expression: str) -> str:
    capped = _capped(expression)
    return (
        f"(CASE WHEN {expression} IS NULL THEN 'no_data' WHEN {capped} >= {float(ON_TRACK_FROM)!r} THEN 'on_track' "
        f"WHEN {capped} >= {float(NEEDS_ATTENTION_FROM)!r} THEN 'needs_attention' ELSE 'off_track' END)"
    )


# The MOE-period achievements as a query (no writes); reused by the benchmark's floor.
def moe_period_query(program_ids: Iterable[int] | None) -> Statement:
    """Every MOE-period achievement of the programs in scope, with its status and
    whether it is its MOE's latest (columns as in ``evaluations_moeachievement``)."""
    scope, params = ids_in("m.program_id", program_ids)
    return f"""
    WITH moe AS (
        SELECT m.id, m.program_id, m.direction, m.is_cumulative, m.baseline_value AS baseline,
               p.start_fy, p.end_fy
        FROM programs_measureofeffectiveness m
        JOIN programs_program p ON p.id = m.program_id
        WHERE m.archived_at IS NULL AND {scope}
    ),
    approved AS (
        SELECT ms.moe_id, ms.period, ms.period_end, ms.value,
               SUM(ms.value) OVER (PARTITION BY ms.moe_id ORDER BY ms.period_end) AS running_total
        FROM programs_measurement ms
        JOIN moe ON moe.id = ms.moe_id
        WHERE ms.status = 'approved'
    ),
    periods AS (
        SELECT t.moe_id, t.period, t.period_end FROM programs_target t JOIN moe ON moe.id = t.moe_id
        UNION
        SELECT a.moe_id, a.period, a.period_end FROM approved a
    ),
    joined AS (
        SELECT moe.id AS moe_id, moe.program_id, pe.period, pe.period_end,
               t.value AS target, a.value AS measured,
               CASE WHEN moe.is_cumulative THEN a.running_total ELSE a.value END AS actual,
               moe.direction, moe.baseline,
               (CAST(SUBSTR(pe.period, 3, 4) AS integer) NOT BETWEEN moe.start_fy AND moe.end_fy) AS outside
        FROM periods pe
        JOIN moe ON moe.id = pe.moe_id
        LEFT JOIN programs_target t ON t.moe_id = pe.moe_id AND t.period = pe.period
        LEFT JOIN approved a ON a.moe_id = pe.moe_id AND a.period = pe.period
    ),
    computed AS (
        SELECT j.*,
               CASE
                 WHEN j.outside OR j.target IS NULL OR j.measured IS NULL THEN NULL
                 WHEN j.target = j.baseline THEN
                   CASE WHEN (j.direction = 'increase' AND j.actual >= j.target)
                          OR (j.direction = 'decrease' AND j.actual <= j.target) THEN 1.0 ELSE 0.0 END
                 WHEN j.direction = 'decrease' THEN
                   CAST(j.baseline - j.actual AS double precision) / CAST(j.baseline - j.target AS double precision)
                 ELSE
                   CAST(j.actual - j.baseline AS double precision) / CAST(j.target - j.baseline AS double precision)
               END AS achievement,
               CASE WHEN j.outside THEN 'outside_program_years'
                    WHEN j.target IS NULL THEN 'no_target'
                    WHEN j.measured IS NULL THEN 'no_measurement'
                    ELSE '' END AS no_data_reason
        FROM joined j
    )
    SELECT c.moe_id, c.program_id, c.period, c.period_end, c.target, c.measured, c.actual,
           c.achievement, {_status("c.achievement")} AS status, c.no_data_reason,
           (c.achievement IS NOT NULL AND ROW_NUMBER() OVER (
               PARTITION BY c.moe_id ORDER BY (c.achievement IS NULL), c.period_end DESC, c.period DESC
           ) = 1) AS is_latest
    FROM computed c
    """, params


def moe_achievements_write(program_ids: Iterable[int] | None, computed_at: dt.datetime) -> None:
    """Replace the MOE-period achievements of the programs in scope."""
    scope, scope_params = ids_in("program_id", program_ids)
    query, params = moe_period_query(program_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM evaluations_moeachievement WHERE {scope}", scope_params)
        cursor.execute(
            f"""
            INSERT INTO evaluations_moeachievement
                (moe_id, program_id, period, period_end, target, measured, actual, achievement,
                 status, no_data_reason, is_latest, computed_at)
            SELECT q.*, %s FROM ({query}) q
            """,
            [computed_at, *params],
        )


def program_rollups_query(program_ids: Iterable[int] | None, window: tuple[int, int], *,
                          from_table: str) -> Statement:
    """Program figures from MOE-period achievements in ``from_table`` (a table or a CTE);
    ``window``: the first and last fiscal year of the funding weight."""
    scope, scope_params = ids_in("p.id", program_ids)
    return f"""
    SELECT p.id AS program_id,
           agg.achievement,
           {_status("agg.achievement")} AS status,
           COALESCE(moes.n, 0) AS moe_count,
           COALESCE(agg.n, 0) AS moes_with_data,
           COALESCE(fund.w, 0) AS funding_weight
    FROM programs_program p
    LEFT JOIN (
        SELECT m.program_id, COUNT(*) AS n FROM programs_measureofeffectiveness m
        WHERE m.archived_at IS NULL GROUP BY m.program_id
    ) moes ON moes.program_id = p.id
    LEFT JOIN (
        SELECT ma.program_id,
               SUM(CAST(m.weight AS double precision) * {_capped("ma.achievement")})
                 / SUM(CAST(m.weight AS double precision)) AS achievement,
               COUNT(*) AS n
        FROM {from_table} ma
        JOIN programs_measureofeffectiveness m ON m.id = ma.moe_id
        WHERE ma.is_latest
        GROUP BY ma.program_id
    ) agg ON agg.program_id = p.id
    LEFT JOIN (
        SELECT f.program_id, SUM(f.obligated) AS w FROM programs_funding f
        WHERE f.fiscal_year BETWEEN %s AND %s
        GROUP BY f.program_id
    ) fund ON fund.program_id = p.id
    WHERE {scope}
    """, [int(window[0]), int(window[1]), *scope_params]


def program_rollups_write(program_ids: Iterable[int] | None, window: tuple[int, int], computed_at: dt.datetime) -> None:
    """Upsert the program rollups in scope, with the countries and goals they count in."""
    goals = _json_agg("pg2.goal_id")
    countries = _json_agg("pc2.country_id")
    query, params = program_rollups_query(program_ids, window, from_table="evaluations_moeachievement")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO evaluations_programrollup
                (program_id, achievement, status, moe_count, moes_with_data, funding_weight,
                 country_ids, goal_ids, computed_at)
            SELECT q.program_id, q.achievement, q.status, q.moe_count, q.moes_with_data, q.funding_weight,
                   COALESCE((SELECT {countries} FROM programs_program_countries pc2
                             WHERE pc2.program_id = q.program_id), '[]'),
                   COALESCE((SELECT {goals} FROM (
                                SELECT pg.goal_id FROM programs_program_goals pg WHERE pg.program_id = q.program_id
                                UNION
                                SELECT g.parent_id FROM programs_program_goals pg
                                JOIN programs_goal g ON g.id = pg.goal_id
                                WHERE pg.program_id = q.program_id AND g.parent_id IS NOT NULL
                             ) pg2), '[]'),
                   %s
            FROM ({query}) q
            WHERE TRUE
            ON CONFLICT (program_id) DO UPDATE SET
                achievement = EXCLUDED.achievement, status = EXCLUDED.status,
                moe_count = EXCLUDED.moe_count, moes_with_data = EXCLUDED.moes_with_data,
                funding_weight = EXCLUDED.funding_weight, country_ids = EXCLUDED.country_ids,
                goal_ids = EXCLUDED.goal_ids, computed_at = EXCLUDED.computed_at
            """,
            [computed_at, *params],
        )


# (group table, key column, universe table, membership query: group_id, program_id)
GROUPS = {
    "country": (
        "evaluations_countryrollup",
        "country_id",
        "programs_country",
        "SELECT pc.country_id AS group_id, pc.program_id FROM programs_program_countries pc",
    ),
    "region": (
        "evaluations_regionrollup",
        "region_id",
        "programs_region",
        """SELECT c.state_bureau_id AS group_id, pc.program_id FROM programs_program_countries pc
           JOIN programs_country c ON c.id = pc.country_id
           UNION
           SELECT c.combatant_command_id, pc.program_id FROM programs_program_countries pc
           JOIN programs_country c ON c.id = pc.country_id""",
    ),
    "goal": (
        "evaluations_goalrollup",
        "goal_id",
        "programs_goal",
        """SELECT pg.goal_id AS group_id, pg.program_id FROM programs_program_goals pg
           UNION
           SELECT g.parent_id, pg.program_id FROM programs_program_goals pg
           JOIN programs_goal g ON g.id = pg.goal_id WHERE g.parent_id IS NOT NULL""",
    ),
}


def group_rollups_query(kind: str, group_ids: Iterable[int] | None, *, programs_from: str) -> Statement:
    """Funding-weighted mean of running programs' achievements per group (one pass)."""
    _, _, universe, membership = GROUPS[kind]
    members_scope, params = ids_in("mb.group_id", group_ids)
    groups_scope, _ = ids_in("u.id", group_ids)
    return f"""
    WITH members AS (
        SELECT mb.group_id, pr.achievement, CAST(COALESCE(pr.funding_weight, 0) AS double precision) AS w
        FROM ({membership}) mb
        JOIN programs_program p ON p.id = mb.program_id
        LEFT JOIN {programs_from} pr ON pr.program_id = p.id
        WHERE p.status IN {RUNNING_SQL} AND p.archived_at IS NULL AND {members_scope}
    ),
    agg AS (
        SELECT group_id, COUNT(*) AS n, COUNT(achievement) AS nd,
               SUM(CASE WHEN achievement IS NOT NULL THEN w ELSE 0 END) AS sw,
               SUM(CASE WHEN achievement IS NOT NULL THEN w * achievement ELSE 0 END) AS swa,
               AVG(achievement) AS plain
        FROM members GROUP BY group_id
    ),
    figures AS (
        SELECT u.id AS group_id,
               CASE WHEN COALESCE(agg.nd, 0) = 0 THEN NULL
                    WHEN agg.sw > 0 THEN agg.swa / agg.sw
                    ELSE agg.plain END AS achievement,
               COALESCE(agg.n, 0) AS program_count,
               COALESCE(agg.nd, 0) AS programs_with_data
        FROM {universe} u LEFT JOIN agg ON agg.group_id = u.id
        WHERE {groups_scope}
    )
    SELECT f.group_id, f.achievement, {_status("f.achievement")} AS status, f.program_count, f.programs_with_data
    FROM figures f
    """, [*params, *params]


def group_rollups_write(kind: str, group_ids: Iterable[int] | None, computed_at: dt.datetime) -> None:
    table, key, _, _ = GROUPS[kind]
    query, params = group_rollups_query(kind, group_ids, programs_from="evaluations_programrollup")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({key}, achievement, status, program_count, programs_with_data, computed_at)
            SELECT q.group_id, q.achievement, q.status, q.program_count, q.programs_with_data, %s
            FROM ({query}) q
            WHERE TRUE
            ON CONFLICT ({key}) DO UPDATE SET
                achievement = EXCLUDED.achievement, status = EXCLUDED.status,
                program_count = EXCLUDED.program_count, programs_with_data = EXCLUDED.programs_with_data,
                computed_at = EXCLUDED.computed_at
            """,
            [computed_at, *params],
        )


def portfolio_floor_query(window: tuple[int, int]) -> Statement:
    """One read-only statement computing every country, region and goal figure straight
    from the raw tables: the floor the benchmark compares the full recompute against."""
    moe_rows, params = moe_period_query(None)
    programs, program_params = program_rollups_query(None, window, from_table="moe_rows")
    params = [*params, *program_params]
    parts = []
    for kind in ("country", "region", "goal"):
        query, group_params = group_rollups_query(kind, None, programs_from="program_rows")
        parts.append(f"SELECT '{kind}' AS kind, g.* FROM ({query}) g")
        params += group_params
    return f"WITH moe_rows AS ({moe_rows}), program_rows AS ({programs}) " + " UNION ALL ".join(parts), params

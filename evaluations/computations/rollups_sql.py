"""Set-based SQL for MOE achievement and rollups (the bulk face of
:mod:`evaluations.computations.achievement`, held equal to it by tests).

Five statements, each one pass over its inputs with the aggregates in the database:
MOE-period achievements (build-and-swap of the whole table, or delete + insert for a
scope), program rollups, then country, region and goal rollups (upserts, sums included).
A scope limits each statement to the programs / groups affected by a change; ``None``
means everything. On PostgreSQL an incremental recompute shifts the groups' kept sums
instead (``group_sums_subtract`` / ``group_sums_add`` / ``group_figures_refresh``). Ids
are cast to int before being written into the SQL text (they never come from users as
text).

Written for PostgreSQL (the production engine); the constructs used (CTEs, window
functions, ``ON CONFLICT``, ``NOT MATERIALIZED``) exist in SQLite >= 3.35 too, except the
JSON aggregate, picked per vendor; the swap and the kept-sum shifts are PostgreSQL's only.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from infrastructure.table_swap import table_rebuild_swap
from programs.selectors.sql import RUNNING_SQL

from .achievement import NEEDS_ATTENTION_FROM, ON_TRACK_FROM


def _in(column: str, ids: Iterable[int] | None) -> str:
    """``column IN (1, 2)``; TRUE for no scope (None); FALSE for an empty scope."""
    if ids is None:
        return "TRUE"
    ids = sorted({int(i) for i in ids})
    if not ids:
        return "FALSE"
    return f"{column} IN ({', '.join(str(i) for i in ids)})"


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


def moe_period_query(program_ids: Iterable[int] | None) -> str:
    """The MOE-period achievements as a query (no writes); reused by the benchmark's floor.

    ``moe`` is inlined (``NOT MATERIALIZED``, PostgreSQL >= 12 and SQLite >= 3.35), so each
    join to it is estimated from the tables' statistics: materialized, it had none, and
    the planner estimated 32 billion rows for 1.32 million (which also fired JIT).
    """
    return f"""
    WITH moe AS NOT MATERIALIZED (
        SELECT m.id, m.program_id, m.direction, m.is_cumulative, m.baseline_value AS baseline,
               p.start_fy, p.end_fy
        FROM programs_measureofeffectiveness m
        JOIN programs_program p ON p.id = m.program_id
        WHERE m.archived_at IS NULL AND {_in("m.program_id", program_ids)}
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
        SELECT ms.moe_id, ms.period, ms.period_end FROM programs_measurement ms JOIN moe ON moe.id = ms.moe_id
        WHERE ms.status = 'approved'
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
    """


MOE_ACHIEVEMENT_COLUMNS = (
    "moe_id", "program_id", "period", "period_end", "target", "measured", "actual", "achievement",
    "status", "no_data_reason", "is_latest", "computed_at",
)


def moe_achievements_write(program_ids: Iterable[int] | None, computed_at: dt.datetime) -> None:
    """Replace the MOE-period achievements of the programs in scope.

    Everything (``None``) on PostgreSQL: build-and-swap of the whole table
    (:func:`infrastructure.table_swap.table_rebuild_swap`: no per-row index upkeep,
    foreign-key triggers or dead rows). A scope, or SQLite: delete and insert in place.
    """
    select = f"SELECT q.*, %s FROM ({moe_period_query(program_ids)}) q"
    if program_ids is None and connection.vendor == "postgresql":
        table_rebuild_swap("evaluations_moeachievement", MOE_ACHIEVEMENT_COLUMNS, select, [computed_at])
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM evaluations_moeachievement WHERE {_in('program_id', program_ids)}")
        cursor.execute(
            f"INSERT INTO evaluations_moeachievement ({', '.join(MOE_ACHIEVEMENT_COLUMNS)}) {select}",
            [computed_at],
        )


def program_rollups_query(program_ids: Iterable[int] | None, window: tuple[int, int], *, from_table: str) -> str:
    """Program figures from MOE-period achievements in ``from_table`` (a table or a CTE).

    The scope filters every input (MOEs, latest achievements, funding) through its
    ``program_id`` index, so a one-program recompute reads that program's rows only."""
    scope = _in("p.id", program_ids)
    return f"""
    SELECT p.id AS program_id,
           agg.achievement,
           {_status("agg.achievement")} AS status,
           COALESCE(moes.n, 0) AS moe_count,
           COALESCE(agg.n, 0) AS moes_with_data,
           COALESCE(fund.w, 0) AS funding_weight,
           (p.status IN {RUNNING_SQL} AND p.archived_at IS NULL) AS counted
    FROM programs_program p
    LEFT JOIN (
        SELECT m.program_id, COUNT(*) AS n FROM programs_measureofeffectiveness m
        WHERE m.archived_at IS NULL AND {_in("m.program_id", program_ids)} GROUP BY m.program_id
    ) moes ON moes.program_id = p.id
    LEFT JOIN (
        SELECT ma.program_id,
               SUM(CAST(m.weight AS double precision) * {_capped("ma.achievement")})
                 / SUM(CAST(m.weight AS double precision)) AS achievement,
               COUNT(*) AS n
        FROM {from_table} ma
        JOIN programs_measureofeffectiveness m ON m.id = ma.moe_id
        WHERE ma.is_latest AND {_in("ma.program_id", program_ids)}
        GROUP BY ma.program_id
    ) agg ON agg.program_id = p.id
    LEFT JOIN (
        SELECT f.program_id, SUM(f.obligated) AS w FROM programs_funding f
        WHERE f.fiscal_year BETWEEN {int(window[0])} AND {int(window[1])} AND {_in("f.program_id", program_ids)}
        GROUP BY f.program_id
    ) fund ON fund.program_id = p.id
    WHERE {scope}
    """


def program_rollups_write(program_ids: Iterable[int] | None, window: tuple[int, int], computed_at: dt.datetime) -> None:
    """Upsert the program rollups in scope, with the countries, regions and goals they count
    in and whether they count (running, not archived)."""
    goals = _json_agg("pg2.goal_id")
    countries = _json_agg("pc2.country_id")
    regions = _json_agg("r2.region_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO evaluations_programrollup
                (program_id, achievement, status, moe_count, moes_with_data, funding_weight,
                 country_ids, region_ids, goal_ids, counted, computed_at)
            SELECT q.program_id, q.achievement, q.status, q.moe_count, q.moes_with_data, q.funding_weight,
                   COALESCE((SELECT {countries} FROM programs_program_countries pc2
                             WHERE pc2.program_id = q.program_id), '[]'),
                   COALESCE((SELECT {regions} FROM (
                                SELECT c.state_bureau_id AS region_id FROM programs_program_countries pc
                                JOIN programs_country c ON c.id = pc.country_id WHERE pc.program_id = q.program_id
                                UNION
                                SELECT c.combatant_command_id FROM programs_program_countries pc
                                JOIN programs_country c ON c.id = pc.country_id WHERE pc.program_id = q.program_id
                             ) r2 WHERE r2.region_id IS NOT NULL), '[]'),
                   COALESCE((SELECT {goals} FROM (
                                SELECT pg.goal_id FROM programs_program_goals pg WHERE pg.program_id = q.program_id
                                UNION
                                SELECT g.parent_id FROM programs_program_goals pg
                                JOIN programs_goal g ON g.id = pg.goal_id
                                WHERE pg.program_id = q.program_id AND g.parent_id IS NOT NULL
                             ) pg2), '[]'),
                   q.counted, %s
            FROM ({program_rollups_query(program_ids, window, from_table="evaluations_moeachievement")}) q
            WHERE TRUE
            ON CONFLICT (program_id) DO UPDATE SET
                achievement = EXCLUDED.achievement, status = EXCLUDED.status,
                moe_count = EXCLUDED.moe_count, moes_with_data = EXCLUDED.moes_with_data,
                funding_weight = EXCLUDED.funding_weight, country_ids = EXCLUDED.country_ids,
                region_ids = EXCLUDED.region_ids, goal_ids = EXCLUDED.goal_ids, counted = EXCLUDED.counted,
                computed_at = EXCLUDED.computed_at
            """,
            [computed_at],
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


def group_achievement_sql(with_data: str, weight_sum: str, weighted_sum: str, achievement_sum: str) -> str:
    """A group's achievement from its sums over running programs with data: the
    funding-weighted mean (sum of USD x achievement / sum of USD), the plain mean when
    those programs have no funding, NULL when none has data (DESIGN.md section 3)."""
    return (
        f"(CASE WHEN {with_data} = 0 THEN NULL "
        f"WHEN {weight_sum} > 0 THEN {weighted_sum} / CAST({weight_sum} AS double precision) "
        f"ELSE {achievement_sum} / {with_data} END)"
    )


def group_rollups_query(kind: str, group_ids: Iterable[int] | None, *, programs_from: str) -> str:
    """Funding-weighted mean of running programs' achievements per group (one pass), with
    the sums it is derived from (see :class:`evaluations.models.GroupSums`)."""
    _, _, universe, membership = GROUPS[kind]
    achievement = group_achievement_sql("COALESCE(agg.nd, 0)", "agg.sw", "agg.swa", "agg.sa")
    return f"""
    WITH members AS (
        SELECT mb.group_id, pr.achievement, COALESCE(pr.funding_weight, 0) AS w
        FROM ({membership}) mb
        JOIN programs_program p ON p.id = mb.program_id
        LEFT JOIN {programs_from} pr ON pr.program_id = p.id
        WHERE p.status IN {RUNNING_SQL} AND p.archived_at IS NULL AND {_in("mb.group_id", group_ids)}
    ),
    agg AS (
        SELECT group_id, COUNT(*) AS n, COUNT(achievement) AS nd,
               SUM(CASE WHEN achievement IS NOT NULL THEN w ELSE 0 END) AS sw,
               SUM(CASE WHEN achievement IS NOT NULL THEN CAST(w AS double precision) * achievement ELSE 0 END) AS swa,
               COALESCE(SUM(achievement), 0) AS sa
        FROM members GROUP BY group_id
    ),
    figures AS (
        SELECT u.id AS group_id, {achievement} AS achievement,
               COALESCE(agg.n, 0) AS program_count,
               COALESCE(agg.nd, 0) AS programs_with_data,
               COALESCE(agg.sw, 0) AS weight_sum, COALESCE(agg.swa, 0) AS weighted_sum,
               COALESCE(agg.sa, 0) AS achievement_sum
        FROM {universe} u LEFT JOIN agg ON agg.group_id = u.id
        WHERE {_in("u.id", group_ids)}
    )
    SELECT f.group_id, f.achievement, {_status("f.achievement")} AS status, f.program_count, f.programs_with_data,
           f.weight_sum, f.weighted_sum, f.achievement_sum
    FROM figures f
    """


SUM_COLUMNS = ("program_count", "programs_with_data", "weight_sum", "weighted_sum", "achievement_sum")


def group_rollups_write(kind: str, group_ids: Iterable[int] | None, computed_at: dt.datetime) -> None:
    """Recompute the groups in scope (None: all) from their members, sums included."""
    table, key, _, _ = GROUPS[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({key}, achievement, status, {", ".join(SUM_COLUMNS)}, computed_at)
            SELECT q.group_id, q.achievement, q.status, {", ".join("q." + c for c in SUM_COLUMNS)}, %s
            FROM ({group_rollups_query(kind, group_ids, programs_from="evaluations_programrollup")}) q
            WHERE TRUE
            ON CONFLICT ({key}) DO UPDATE SET
                achievement = EXCLUDED.achievement, status = EXCLUDED.status,
                {", ".join(f"{c} = EXCLUDED.{c}" for c in SUM_COLUMNS)},
                computed_at = EXCLUDED.computed_at
            """,
            [computed_at],
        )


# Each group kind's column of group ids in evaluations_programrollup.
PROGRAM_GROUP_IDS = {"country": "country_ids", "region": "region_ids", "goal": "goal_ids"}


def _contributions(kind: str, program_ids: Iterable[int]) -> str:
    """Per group, the sums the programs in scope add to it, as stored in their program
    rollups (PostgreSQL: the JSON id lists are expanded with ``jsonb_array_elements_text``)."""
    return f"""
    SELECT CAST(g.value AS integer) AS group_id, COUNT(*) AS program_count,
           COUNT(pr.achievement) AS programs_with_data,
           SUM(CASE WHEN pr.achievement IS NOT NULL THEN pr.funding_weight ELSE 0 END) AS weight_sum,
           SUM(CASE WHEN pr.achievement IS NOT NULL
                    THEN CAST(pr.funding_weight AS double precision) * pr.achievement ELSE 0 END) AS weighted_sum,
           COALESCE(SUM(pr.achievement), 0) AS achievement_sum
    FROM evaluations_programrollup pr
    CROSS JOIN LATERAL jsonb_array_elements_text(pr.{PROGRAM_GROUP_IDS[kind]}) g(value)
    WHERE pr.counted AND {_in("pr.program_id", program_ids)}
    GROUP BY CAST(g.value AS integer)
    """


def group_sums_subtract(kind: str, program_ids: Iterable[int]) -> None:
    """Take the programs' stored contributions out of their groups' kept sums (before
    their program rollups are rewritten). PostgreSQL only; touches the programs' rollup
    rows and their groups' rows, through indexes."""
    table, key, _, _ = GROUPS[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} t SET {", ".join(f"{c} = t.{c} - d.{c}" for c in SUM_COLUMNS)}
            FROM ({_contributions(kind, program_ids)}) d
            WHERE t.{key} = d.group_id
            """
        )


def group_sums_add(kind: str, program_ids: Iterable[int], computed_at: dt.datetime) -> None:
    """Add the programs' new contributions to their groups' kept sums (after their
    program rollups are rewritten); a group without a row gets one. PostgreSQL only."""
    table, key, _, _ = GROUPS[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({key}, achievement, status, {", ".join(SUM_COLUMNS)}, computed_at)
            SELECT d.group_id, NULL, 'no_data', {", ".join("d." + c for c in SUM_COLUMNS)}, %s
            FROM ({_contributions(kind, program_ids)}) d
            ON CONFLICT ({key}) DO UPDATE SET
                {", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in SUM_COLUMNS)}
            """,
            [computed_at],
        )


def group_figures_refresh(kind: str, group_ids: Iterable[int], computed_at: dt.datetime) -> None:
    """Derive the groups' achievement and status from their kept sums."""
    table, key, _, _ = GROUPS[kind]
    achievement = group_achievement_sql("programs_with_data", "weight_sum", "weighted_sum", "achievement_sum")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET achievement = {achievement}, status = {_status(achievement)}, computed_at = %s "
            f"WHERE {_in(key, group_ids)}",
            [computed_at],
        )


def portfolio_floor_query(window: tuple[int, int]) -> str:
    """One read-only statement computing every country, region and goal figure straight
    from the raw tables: the floor the benchmark compares the full recompute against."""
    moe_rows = moe_period_query(None)
    programs = program_rollups_query(None, window, from_table="moe_rows")
    parts = []
    for kind in ("country", "region", "goal"):
        query = group_rollups_query(kind, None, programs_from="program_rows")
        parts.append(f"SELECT '{kind}' AS kind, g.* FROM ({query}) g")
    return (
        f"WITH moe_rows AS ({moe_rows}), program_rows AS ({programs}) "
        + " UNION ALL ".join(parts)
    )

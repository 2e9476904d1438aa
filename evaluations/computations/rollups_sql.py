"""Set-based SQL for MOE achievement and rollups (the bulk face of
:mod:`evaluations.computations.achievement`, held equal to it by tests).

Five statements, each one pass over its inputs with the aggregates in the database:
MOE-period achievements (build-and-swap of the whole table; for a scope on PostgreSQL,
only the rows that change), program rollups, then country, region and goal rollups (upserts, sums included).
A scope limits each statement to the programs / groups affected by a change; ``None``
means everything. On PostgreSQL an incremental recompute shifts the groups' kept sums
instead (``group_sums_subtract`` / ``group_sums_add``, each one statement for the three
kinds, deriving the figures from the new sums as it writes them). Ids
reach the SQL as parameters (:func:`infrastructure.sql.ids_in`); each query builder returns
its text and its parameters, in the order they appear in the text.

Written for PostgreSQL (the production engine); the constructs used (CTEs, window
functions, ``ON CONFLICT``, ``NOT MATERIALIZED``) exist in SQLite >= 3.35 too, except the
JSON aggregate, picked per vendor; the swap and the kept-sum shifts are PostgreSQL's only.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection

from infrastructure.sql import ids_in
from infrastructure.table_swap import table_rebuild_swap
from programs.selectors.sql import RUNNING_SQL

from .achievement import NEEDS_ATTENTION_FROM, ON_TRACK_FROM


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


def moe_period_query(
    program_ids: Iterable[int] | None, moe_ids: tuple[int | None, int | None] | None = None
) -> tuple[str, list[int]]:
    """The MOE-period achievements as a query and its parameters (no writes); reused by the
    benchmark's floor.

    ``moe_ids``: only the MOEs with ``from <= id < below`` (either end None: open), as one
    part of the full rebuild (:func:`moe_id_parts`); the bound filters the MOEs, targets and
    values read, so each part scans and sorts only its own rows. None: every MOE (the text
    is then exactly the floor's).

    One row per (MOE, period) with a target or an approved value: targets FULL JOIN
    approved values on (MOE, period), one hash join (a UNION of the two, then joining each
    back, sorted 2.2 million rows on disk at 1M measurements). The cumulative running
    total and the latest period with an achievement are two windows over one sort, by
    MOE, period end and period: the running total sums the approved values up to the row,
    and the latest is the row with an achievement after which no row of its MOE has one.
    Each row's achievement is computed once, in the window's level (an outer query's
    repeated references to a pulled-up column re-evaluate its expression: nine times a
    row for the status).
    (An MOE's periods have distinct ends: its values all have its one frequency, and a
    frequency change over stored values is refused; so "up to this period end", the
    reference's rule, and "up to this row" are the same rows.)

    ``moe`` is inlined (``NOT MATERIALIZED``, PostgreSQL >= 12 and SQLite >= 3.35), so each
    join to it is estimated from the tables' statistics: materialized, it had none, and
    the planner estimated 32 billion rows for 1.32 million (which also fired JIT).
    """
    scope, params = ids_in("m.program_id", program_ids)
    moes_in_part, part_params = _moe_id_range("m.id", moe_ids)
    targets_in_part, _ = _moe_id_range("t.moe_id", moe_ids)
    values_in_part, _ = _moe_id_range("ms.moe_id", moe_ids)
    outside = "(CAST(SUBSTR(pe.period, 3, 4) AS integer) NOT BETWEEN moe.start_fy AND moe.end_fy)"
    actual = (
        "(CASE WHEN pe.measured IS NULL THEN NULL WHEN moe.is_cumulative THEN "
        "SUM(pe.measured) OVER (PARTITION BY moe.id ORDER BY pe.period_end, pe.period) ELSE pe.measured END)"
    )
    achievement = f"""(CASE
        WHEN {outside} OR pe.target IS NULL OR pe.measured IS NULL THEN NULL
        WHEN pe.target = moe.baseline THEN
          CASE WHEN (moe.direction = 'increase' AND {actual} >= pe.target)
                 OR (moe.direction = 'decrease' AND {actual} <= pe.target) THEN 1.0 ELSE 0.0 END
        WHEN moe.direction = 'decrease' THEN
          CAST(moe.baseline - {actual} AS double precision) / CAST(moe.baseline - pe.target AS double precision)
        ELSE
          CAST({actual} - moe.baseline AS double precision) / CAST(pe.target - moe.baseline AS double precision)
        END)"""
    sql = f"""
    WITH moe AS NOT MATERIALIZED (
        SELECT m.id, m.program_id, m.direction, m.is_cumulative, m.baseline_value AS baseline,
               p.start_fy, p.end_fy
        FROM programs_measureofeffectiveness m
        JOIN programs_program p ON p.id = m.program_id
        WHERE m.archived_at IS NULL AND {scope}{moes_in_part}
    ),
    periods AS (
        SELECT COALESCE(t.moe_id, a.moe_id) AS moe_id, COALESCE(t.period, a.period) AS period,
               COALESCE(t.period_end, a.period_end) AS period_end, t.value AS target, a.value AS measured
        FROM (SELECT t.moe_id, t.period, t.period_end, t.value
              FROM programs_target t JOIN moe ON moe.id = t.moe_id{targets_in_part}) t
        FULL JOIN (SELECT ms.moe_id, ms.period, ms.period_end, ms.value
                   FROM programs_measurement ms JOIN moe ON moe.id = ms.moe_id
                   WHERE ms.status = 'approved'{values_in_part}) a
          ON a.moe_id = t.moe_id AND a.period = t.period
    ),
    period_rows AS (
        SELECT moe.id AS moe_id, moe.program_id, pe.period, pe.period_end, pe.target, pe.measured,
               {actual} AS actual, {achievement} AS achievement,
               CASE WHEN {outside} THEN 'outside_program_years'
                    WHEN pe.target IS NULL THEN 'no_target'
                    WHEN pe.measured IS NULL THEN 'no_measurement'
                    ELSE '' END AS no_data_reason
        FROM periods pe
        JOIN moe ON moe.id = pe.moe_id
    )
    SELECT r.moe_id, r.program_id, r.period, r.period_end, r.target, r.measured, r.actual,
           r.achievement, {_status("r.achievement")} AS status, r.no_data_reason,
           (r.achievement IS NOT NULL AND COUNT(r.achievement) OVER (
               PARTITION BY r.moe_id ORDER BY r.period_end, r.period
               ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
           ) = 0) AS is_latest
    FROM period_rows r
    """
    # The scope appears once in the text (the inlined CTE), so its ids are passed once; the
    # part's bounds three times (MOEs, targets, values).
    return sql, [*params, *part_params, *part_params, *part_params]


def _moe_id_range(column: str, moe_ids: tuple[int | None, int | None] | None) -> tuple[str, list[int]]:
    """`` AND column >= %s AND column < %s`` for the bounds given (none: ``""``)."""
    if moe_ids is None:
        return "", []
    start, below = moe_ids
    bounds = [(">=", start), ("<", below)]
    return "".join(f" AND {column} {op} %s" for op, bound in bounds if bound is not None), [
        int(bound) for _, bound in bounds if bound is not None
    ]


# The full rebuild's parts, each computed and written by a connection of its own at once
# (infrastructure.table_swap): one per core of the 2-core database server measured
# (docs/performance.md, R1).
MOE_PERIOD_BUILD_PARTS = 2


def moe_id_parts(parts: int = MOE_PERIOD_BUILD_PARTS) -> list[tuple[int | None, int | None]]:
    """``parts`` consecutive MOE id ranges (``(from, below)``, the first and last open)
    holding about as many unarchived MOEs each, for :func:`moe_period_query`: one query
    (percentiles of the ids). ``[(None, None)]`` when there is a single part or no MOE."""
    if parts < 2:
        return [(None, None)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_disc(%s::double precision[]) WITHIN GROUP (ORDER BY id) "
            "FROM programs_measureofeffectiveness WHERE archived_at IS NULL",
            [[number / parts for number in range(1, parts)]],
        )
        cuts = sorted(set(cursor.fetchone()[0] or []))
    bounds = [None, *cuts, None]
    return list(zip(bounds, bounds[1:]))


MOE_ACHIEVEMENT_COLUMNS = (
    "moe_id", "program_id", "period", "period_end", "target", "measured", "actual", "achievement",
    "status", "no_data_reason", "is_latest", "computed_at",
)


# The columns an incremental recompute compares to decide whether a stored row changed.
_MOE_ACHIEVEMENT_FIGURES = tuple(c for c in MOE_ACHIEVEMENT_COLUMNS if c not in ("moe_id", "period", "computed_at"))


def moe_achievements_write(program_ids: Iterable[int] | None, computed_at: dt.datetime) -> None:
    """Replace the MOE-period achievements of the programs in scope.

    Everything (``None``) on PostgreSQL: build-and-swap of the whole table
    (:func:`infrastructure.table_swap.table_rebuild_swap`: no per-row index upkeep,
    foreign-key triggers or dead rows), its rows computed in ``MOE_PERIOD_BUILD_PARTS``
    parts by MOE id (:func:`moe_id_parts`; an MOE's rows depend on that MOE and its program
    only, so the parts' rows together are the whole query's), built at once on connections
    of their own reading one snapshot when the caller's transaction allows it, else one
    after the other in it (the swap's docstring has the crash story). Its two foreign keys (MOE, program) are added
    ``NOT VALID`` without the validation scan (1-1.5 s at 1.32 M rows): every row comes
    from the join of the MOE with its program in the query's snapshot, and MOEs and
    programs are deleted only through the ORM (an administrator's purge), whose cascade
    deletes from this table first and so waits on the swap's lock until the commit. Later
    writes stay checked.

    A scope on PostgreSQL: only the rows that differ are written, in one statement (new
    rows inserted, changed ones updated, rows no longer computed deleted; an unchanged
    row keeps its ``computed_at``, the time its figures were last computed different).
    One changed value rewrites its MOE's rows from that period on, not every row of the
    program (75 deletes and 75 inserts, three indexes each, at the benchmark's program
    size). SQLite: delete and insert in place.
    """
    if program_ids is None and connection.vendor == "postgresql":
        parts = [moe_period_query(None, moe_ids=part) for part in moe_id_parts()]
        table_rebuild_swap(
            "evaluations_moeachievement", MOE_ACHIEVEMENT_COLUMNS,
            [(f"SELECT q.*, %s FROM ({query}) q", [computed_at, *params]) for query, params in parts],
            validate_foreign_keys=False,
        )
        return
    query, params = moe_period_query(program_ids)
    if program_ids is not None and connection.vendor == "postgresql":
        _moe_achievements_write_changes(program_ids, query, params, computed_at)
        return
    select, params = f"SELECT q.*, %s FROM ({query}) q", [computed_at, *params]
    scope, scope_params = ids_in("program_id", program_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM evaluations_moeachievement WHERE {scope}", scope_params)
        cursor.execute(f"INSERT INTO evaluations_moeachievement ({', '.join(MOE_ACHIEVEMENT_COLUMNS)}) {select}", params)


def _moe_achievements_write_changes(program_ids: Iterable[int], query: str, params: list,
                                    computed_at: dt.datetime) -> None:
    """Write the scope's freshly computed rows where they differ from the stored ones, in
    one statement (PostgreSQL: data-modifying CTEs over one snapshot, each on rows the
    others leave alone): update the changed rows, insert the new ones, delete the stored
    rows no longer computed. Unchanged rows are not touched at all (``ON CONFLICT DO
    UPDATE ... WHERE`` would still lock, and so write, each of them)."""
    scope, scope_params = ids_in("ma.program_id", program_ids)
    figures_stored = ", ".join(f"ma.{c}" for c in _MOE_ACHIEVEMENT_FIGURES)
    figures_fresh = ", ".join(f"f.{c}" for c in _MOE_ACHIEVEMENT_FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH fresh AS MATERIALIZED (SELECT q.*, %s AS computed_at FROM ({query}) q),
            gone AS (
                DELETE FROM evaluations_moeachievement ma
                WHERE {scope}
                  AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.moe_id = ma.moe_id AND f.period = ma.period)
            ),
            changed AS (
                UPDATE evaluations_moeachievement ma
                SET {", ".join(f"{c} = f.{c}" for c in (*_MOE_ACHIEVEMENT_FIGURES, "computed_at"))}
                FROM fresh f
                WHERE ma.moe_id = f.moe_id AND ma.period = f.period
                  AND ({figures_stored}) IS DISTINCT FROM ({figures_fresh})
            )
            INSERT INTO evaluations_moeachievement ({", ".join(MOE_ACHIEVEMENT_COLUMNS)})
            SELECT {", ".join(f"f.{c}" for c in MOE_ACHIEVEMENT_COLUMNS)} FROM fresh f
            WHERE NOT EXISTS (
                SELECT 1 FROM evaluations_moeachievement ma WHERE ma.moe_id = f.moe_id AND ma.period = f.period
            )
            """,
            [computed_at, *params, *scope_params],
        )


def program_rollups_query(
    program_ids: Iterable[int] | None, window: tuple[int, int], *, from_table: str
) -> tuple[str, list[int]]:
    """Program figures from MOE-period achievements in ``from_table`` (a table or a CTE),
    as a query and its parameters.

    The scope filters every input (MOEs, latest achievements, funding) through its
    ``program_id`` index, so a one-program recompute reads that program's rows only."""
    scopes = [ids_in(column, program_ids) for column in ("m.program_id", "ma.program_id", "f.program_id", "p.id")]
    (moes_scope, _), (latest_scope, _), (funding_scope, _), (scope, _) = scopes
    sql = f"""
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
        WHERE m.archived_at IS NULL AND {moes_scope} GROUP BY m.program_id
    ) moes ON moes.program_id = p.id
    LEFT JOIN (
        SELECT ma.program_id,
               SUM(CAST(m.weight AS double precision) * {_capped("ma.achievement")})
                 / SUM(CAST(m.weight AS double precision)) AS achievement,
               COUNT(*) AS n
        FROM {from_table} ma
        JOIN programs_measureofeffectiveness m ON m.id = ma.moe_id
        WHERE ma.is_latest AND {latest_scope}
        GROUP BY ma.program_id
    ) agg ON agg.program_id = p.id
    LEFT JOIN (
        SELECT f.program_id, SUM(f.obligated) AS w FROM programs_funding f
        WHERE f.fiscal_year BETWEEN {int(window[0])} AND {int(window[1])} AND {funding_scope}
        GROUP BY f.program_id
    ) fund ON fund.program_id = p.id
    WHERE {scope}
    """
    return sql, [param for _, params in scopes for param in params]


def program_rollups_write(program_ids: Iterable[int] | None, window: tuple[int, int], computed_at: dt.datetime) -> None:
    """Upsert the program rollups in scope, with the countries, regions and goals they count
    in (from each kind's membership query in ``GROUPS``, grouped once per kind rather than
    three subqueries per program: 1.4 s of 3.6 at 20,000 programs) and whether they count
    (running, not archived)."""
    query, params = program_rollups_query(program_ids, window, from_table="evaluations_moeachievement")
    joins = []
    for kind in ("country", "region", "goal"):
        membership = GROUPS[kind][3]
        scope, scope_params = ids_in("mb.program_id", program_ids)
        joins.append(
            f"LEFT JOIN (SELECT mb.program_id, {_json_agg('mb.group_id')} AS ids FROM ({membership}) mb "
            f"WHERE mb.group_id IS NOT NULL AND {scope} GROUP BY mb.program_id) {kind}_ids "
            f"ON {kind}_ids.program_id = q.program_id"
        )
        params = [*params, *scope_params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO evaluations_programrollup
                (program_id, achievement, status, moe_count, moes_with_data, funding_weight,
                 country_ids, region_ids, goal_ids, counted, computed_at)
            SELECT q.program_id, q.achievement, q.status, q.moe_count, q.moes_with_data, q.funding_weight,
                   COALESCE(country_ids.ids, '[]'), COALESCE(region_ids.ids, '[]'), COALESCE(goal_ids.ids, '[]'),
                   q.counted, %s
            FROM ({query}) q
            {" ".join(joins)}
            WHERE TRUE
            ON CONFLICT (program_id) DO UPDATE SET
                achievement = EXCLUDED.achievement, status = EXCLUDED.status,
                moe_count = EXCLUDED.moe_count, moes_with_data = EXCLUDED.moes_with_data,
                funding_weight = EXCLUDED.funding_weight, country_ids = EXCLUDED.country_ids,
                region_ids = EXCLUDED.region_ids, goal_ids = EXCLUDED.goal_ids, counted = EXCLUDED.counted,
                computed_at = EXCLUDED.computed_at
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


def groups_of_programs(program_ids: Iterable[int]) -> dict[str, set[int]]:
    """The countries, regions and goals the programs belong to now, by kind, from each
    kind's membership query in ``GROUPS`` (one query for the three kinds)."""
    parts, params = [], []
    for kind, (_, _, _, membership) in GROUPS.items():
        scope, kind_params = ids_in("mb.program_id", program_ids)
        parts.append(f"SELECT '{kind}' AS kind, mb.group_id FROM ({membership}) mb "
                     f"WHERE mb.group_id IS NOT NULL AND {scope}")
        params += kind_params
    found: dict[str, set[int]] = {kind: set() for kind in GROUPS}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), params)
        for kind, group_id in cursor.fetchall():
            found[kind].add(group_id)
    return found


def group_achievement_sql(with_data: str, weight_sum: str, weighted_sum: str, achievement_sum: str) -> str:
    """A group's achievement from its sums over running programs with data: the
    funding-weighted mean (sum of USD x achievement / sum of USD), the plain mean when
    those programs have no funding, NULL when none has data (DESIGN.md section 3)."""
    return (
        f"(CASE WHEN {with_data} = 0 THEN NULL "
        f"WHEN {weight_sum} > 0 THEN {weighted_sum} / CAST({weight_sum} AS double precision) "
        f"ELSE {achievement_sum} / {with_data} END)"
    )


def group_rollups_query(kind: str, group_ids: Iterable[int] | None, *, programs_from: str) -> tuple[str, list[int]]:
    """Funding-weighted mean of running programs' achievements per group (one pass), with
    the sums it is derived from (see :class:`evaluations.models.GroupSums`), as a query and
    its parameters."""
    _, _, universe, membership = GROUPS[kind]
    (members_scope, members_params), (scope, params) = ids_in("mb.group_id", group_ids), ids_in("u.id", group_ids)
    achievement = group_achievement_sql("COALESCE(agg.nd, 0)", "agg.sw", "agg.swa", "agg.sa")
    sql = f"""
    WITH members AS (
        SELECT mb.group_id, pr.achievement, COALESCE(pr.funding_weight, 0) AS w
        FROM ({membership}) mb
        JOIN programs_program p ON p.id = mb.program_id
        LEFT JOIN {programs_from} pr ON pr.program_id = p.id
        WHERE p.status IN {RUNNING_SQL} AND p.archived_at IS NULL AND {members_scope}
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
        WHERE {scope}
    )
    SELECT f.group_id, f.achievement, {_status("f.achievement")} AS status, f.program_count, f.programs_with_data,
           f.weight_sum, f.weighted_sum, f.achievement_sum
    FROM figures f
    """
    return sql, [*members_params, *params]


SUM_COLUMNS = ("program_count", "programs_with_data", "weight_sum", "weighted_sum", "achievement_sum")


def group_rollups_write(kind: str, group_ids: Iterable[int] | None, computed_at: dt.datetime) -> None:
    """Recompute the groups in scope (None: all) from their members, sums included."""
    table, key, _, _ = GROUPS[kind]
    query, params = group_rollups_query(kind, group_ids, programs_from="evaluations_programrollup")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({key}, achievement, status, {", ".join(SUM_COLUMNS)}, computed_at)
            SELECT q.group_id, q.achievement, q.status, {", ".join("q." + c for c in SUM_COLUMNS)}, %s
            FROM ({query}) q
            WHERE TRUE
            ON CONFLICT ({key}) DO UPDATE SET
                achievement = EXCLUDED.achievement, status = EXCLUDED.status,
                {", ".join(f"{c} = EXCLUDED.{c}" for c in SUM_COLUMNS)},
                computed_at = EXCLUDED.computed_at
            """,
            [computed_at, *params],
        )


# Each group kind's column of group ids in evaluations_programrollup.
PROGRAM_GROUP_IDS = {"country": "country_ids", "region": "region_ids", "goal": "goal_ids"}


def _contributions(kind: str, program_ids: Iterable[int]) -> tuple[str, list[int]]:
    """Per group, the sums the programs in scope add to it, as stored in their program
    rollups (PostgreSQL: the JSON id lists are expanded with ``jsonb_array_elements_text``)."""
    scope, params = ids_in("pr.program_id", program_ids)
    return f"""
    SELECT CAST(g.value AS integer) AS group_id, COUNT(*) AS program_count,
           COUNT(pr.achievement) AS programs_with_data,
           SUM(CASE WHEN pr.achievement IS NOT NULL THEN pr.funding_weight ELSE 0 END) AS weight_sum,
           SUM(CASE WHEN pr.achievement IS NOT NULL
                    THEN CAST(pr.funding_weight AS double precision) * pr.achievement ELSE 0 END) AS weighted_sum,
           COALESCE(SUM(pr.achievement), 0) AS achievement_sum
    FROM evaluations_programrollup pr
    CROSS JOIN LATERAL jsonb_array_elements_text(pr.{PROGRAM_GROUP_IDS[kind]}) g(value)
    WHERE pr.counted AND {scope}
    GROUP BY CAST(g.value AS integer)
    """, params


def _derived_figure(sums: dict[str, str]) -> str:
    """``achievement = ..., status = ...`` from the SQL expressions of a group's new sums."""
    achievement = group_achievement_sql(
        sums["programs_with_data"], sums["weight_sum"], sums["weighted_sum"], sums["achievement_sum"]
    )
    return f"achievement = {achievement}, status = {_status(achievement)}"


def _all_kinds(statements: list[str]) -> str:
    """One statement per group kind as one statement (PostgreSQL data-modifying CTEs: the
    kinds write different tables): one round trip and one plan instead of three."""
    *first, last = statements
    return "WITH " + ", ".join(f"kind_{number} AS ({sql})" for number, sql in enumerate(first)) + " " + last


def group_sums_subtract(program_ids: Iterable[int], computed_at: dt.datetime) -> None:
    """Take the programs' stored contributions out of their countries', regions' and goals'
    kept sums (before their program rollups are rewritten), and derive each group's figure
    from its new sums. PostgreSQL only; one statement touching the programs' rollup rows
    and their groups' rows, through indexes."""
    statements, params = [], []
    for kind, (table, key, _, _) in GROUPS.items():
        contributions, kind_params = _contributions(kind, program_ids)
        sums = {c: f"(t.{c} - d.{c})" for c in SUM_COLUMNS}
        statements.append(
            f"UPDATE {table} t SET {', '.join(f'{c} = {e}' for c, e in sums.items())}, "
            f"{_derived_figure(sums)}, computed_at = %s "
            f"FROM ({contributions}) d WHERE t.{key} = d.group_id"
        )
        params += [computed_at, *kind_params]
    with connection.cursor() as cursor:
        cursor.execute(_all_kinds(statements), params)


def group_sums_add(program_ids: Iterable[int], computed_at: dt.datetime) -> None:
    """Add the programs' new contributions to their countries', regions' and goals' kept
    sums (after their program rollups are rewritten; a group without a row gets one), and
    derive each group's figure from its new sums. PostgreSQL only; one statement."""
    statements, params = [], []
    for kind, (table, key, _, _) in GROUPS.items():
        contributions, kind_params = _contributions(kind, program_ids)
        sums = {c: f"(g.{c} + EXCLUDED.{c})" for c in SUM_COLUMNS}
        fresh = group_achievement_sql("d.programs_with_data", "d.weight_sum", "d.weighted_sum", "d.achievement_sum")
        statements.append(
            f"INSERT INTO {table} AS g ({key}, achievement, status, {', '.join(SUM_COLUMNS)}, computed_at) "
            f"SELECT d.group_id, {fresh}, {_status(fresh)}, {', '.join('d.' + c for c in SUM_COLUMNS)}, %s "
            f"FROM ({contributions}) d "
            f"ON CONFLICT ({key}) DO UPDATE SET {', '.join(f'{c} = {e}' for c, e in sums.items())}, "
            f"{_derived_figure(sums)}, computed_at = EXCLUDED.computed_at"
        )
        params += [computed_at, *kind_params]
    with connection.cursor() as cursor:
        cursor.execute(_all_kinds(statements), params)


def portfolio_floor_query(window: tuple[int, int]) -> str:
    """One read-only statement computing every country, region and goal figure straight
    from the raw tables: the floor the benchmark compares the full recompute against (no
    scope, so no parameters)."""
    moe_rows, _ = moe_period_query(None)
    programs, _ = program_rollups_query(None, window, from_table="moe_rows")
    parts = []
    for kind in ("country", "region", "goal"):
        query, _ = group_rollups_query(kind, None, programs_from="program_rows")
        parts.append(f"SELECT '{kind}' AS kind, g.* FROM ({query}) g")
    return (
        f"WITH moe_rows AS ({moe_rows}), program_rows AS ({programs}) "
        + " UNION ALL ".join(parts)
    )

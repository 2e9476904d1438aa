"""Set-based SQL for the IPTT's summary pairings (the bulk face of
:func:`evaluations.computations.iptt.summary_pairings`, held equal to it by tests).

One statement over the stored ``MoeAchievement`` rows of the given MOEs: for each MOE
and window (each fiscal year when ``per_year``, the life of program, program to date)
the last targeted period and the latest period with an actual, picked with
``ROW_NUMBER()`` (PostgreSQL, and SQLite >= 3.25). Percent met is then computed in Python
by the one achievement formula (:func:`evaluations.computations.iptt.percent_met`).
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from infrastructure.sql import ids_in

from .iptt import LOP, PTD, Pairing

_SQL = """
WITH figures AS (
    SELECT moe_id, period, period_end, target, actual,
           CAST(SUBSTR(period, 3, 4) AS INTEGER) AS fiscal_year,
           LENGTH(period) AS code_length
    FROM evaluations_moeachievement
    WHERE {scope}
),
ranked AS (
    SELECT f.*,
        CASE WHEN target IS NOT NULL THEN ROW_NUMBER() OVER (
            PARTITION BY moe_id, target IS NOT NULL ORDER BY period_end DESC, code_length) END AS target_rank,
        CASE WHEN actual IS NOT NULL THEN ROW_NUMBER() OVER (
            PARTITION BY moe_id, actual IS NOT NULL ORDER BY period_end DESC, code_length) END AS actual_rank,
        CASE WHEN target IS NOT NULL THEN ROW_NUMBER() OVER (
            PARTITION BY moe_id, fiscal_year, target IS NOT NULL ORDER BY period_end DESC, code_length) END
            AS year_target_rank,
        CASE WHEN actual IS NOT NULL THEN ROW_NUMBER() OVER (
            PARTITION BY moe_id, fiscal_year, actual IS NOT NULL ORDER BY period_end DESC, code_length) END
            AS year_actual_rank
    FROM figures f
),
latest_actual AS (
    SELECT moe_id, period, period_end, actual FROM ranked WHERE actual_rank = 1
),
due_target AS (
    SELECT r.moe_id, r.period, r.target,
           ROW_NUMBER() OVER (PARTITION BY r.moe_id ORDER BY r.period_end DESC, r.code_length) AS due_rank
    FROM ranked r JOIN latest_actual a ON a.moe_id = r.moe_id
    WHERE r.target IS NOT NULL AND r.period_end <= a.period_end
),
windows AS (
    SELECT DISTINCT moe_id, '{lop}' AS window_key FROM figures
    UNION ALL SELECT DISTINCT moe_id, '{ptd}' FROM figures
    {year_windows}
)
SELECT w.moe_id, w.window_key,
    CASE w.window_key WHEN '{lop}' THEN lt.target WHEN '{ptd}' THEN dt.target ELSE yt.target END,
    CASE w.window_key WHEN '{lop}' THEN lt.period WHEN '{ptd}' THEN dt.period ELSE yt.period END,
    CASE WHEN w.window_key IN ('{lop}', '{ptd}') THEN la.actual ELSE ya.actual END,
    CASE WHEN w.window_key IN ('{lop}', '{ptd}') THEN la.period ELSE ya.period END
FROM windows w
LEFT JOIN ranked lt ON w.window_key = '{lop}' AND lt.moe_id = w.moe_id AND lt.target_rank = 1
LEFT JOIN due_target dt ON w.window_key = '{ptd}' AND dt.moe_id = w.moe_id AND dt.due_rank = 1
LEFT JOIN latest_actual la ON w.window_key IN ('{lop}', '{ptd}') AND la.moe_id = w.moe_id
LEFT JOIN ranked yt ON w.window_key NOT IN ('{lop}', '{ptd}') AND yt.moe_id = w.moe_id
    AND CAST(yt.fiscal_year AS TEXT) = w.window_key AND yt.year_target_rank = 1
LEFT JOIN ranked ya ON w.window_key NOT IN ('{lop}', '{ptd}') AND ya.moe_id = w.moe_id
    AND CAST(ya.fiscal_year AS TEXT) = w.window_key AND ya.year_actual_rank = 1
"""

_YEAR_WINDOWS = """UNION ALL SELECT DISTINCT moe_id, CAST(fiscal_year AS TEXT) FROM figures
        WHERE target IS NOT NULL OR actual IS NOT NULL"""


def summary_pairings_sql(moe_ids: Iterable[int], *, per_year: bool) -> dict[int, dict[str | int, Pairing]]:
    """moe id -> window (``LOP``, ``PTD``, or a fiscal year as int) -> pairing, for the
    MOEs' stored achievement rows; MOEs without any row are absent. One query."""
    scope, params = ids_in("moe_id", moe_ids)
    sql = _SQL.format(scope=scope, lop=LOP, ptd=PTD, year_windows=_YEAR_WINDOWS if per_year else "")
    found: dict[int, dict[str | int, Pairing]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for moe_id, key, target, target_period, actual, actual_period in cursor.fetchall():
            window = key if key in (LOP, PTD) else int(key)
            found.setdefault(moe_id, {})[window] = Pairing(target, target_period, actual, actual_period)
    return found

"""The selectivity score (DESIGN.md section 3), 0-100 per country.

Two faces, held equal by ``tests/assessments/test_selectivity_sql.py``:

* :func:`selectivity_reference`: a small pure function on one country's inputs, used to
  explain a figure and in unit tests;
* :func:`selectivity_insert_changed`: one set-based SQL statement that computes every
  country in scope and appends a row for each country whose score changed.

The formula, with framework weights wP, wC, wE (version 1: 0.4 / 0.4 / 0.2):

* P, priority = 100 / 75 / 50 / 25 for tier 1 / 2 / 3 / 4 (no tier: missing);
* C, conditions = weighted mean, by criterion weight, of the latest approved
  assessment's criterion scores mapped from 1-5 to 0-100 as (score - 1) / 4 * 100,
  rounded to 0.01 (no approved assessment: missing);
* E, effectiveness = the country rollup's achievement (0..1, capped) x 100, rounded to
  0.01 (no rollup or no data: missing);
* score = sum(w * component) / sum(w) over the components present, rounded to 0.01
  (half up); a missing component renormalises the weights and flags "incomplete";
* band from the rounded score: invest >= 70, sustain >= 50, review >= 30, else
  deprioritise; "no data" when no component is present;
* flags: incomplete; stale assessment (assessed before as_of minus 18 months); human
  rights concern (a human-rights criterion scored <= 2); open crisis (a crisis event
  with no closing date).

Arithmetic is decimal (PostgreSQL ``numeric``, Python ``Decimal``) so that both faces
agree to the cent; the rollup's float achievement is read to 15 significant digits, as
PostgreSQL casts ``double precision`` to ``numeric``.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Sequence

from django.db import connection
from django.utils import timezone

TIER_POINTS = {1: Decimal(100), 2: Decimal(75), 3: Decimal(50), 4: Decimal(25)}
STALE_AFTER_MONTHS = 18
HUMAN_RIGHTS_CONCERN_AT_OR_BELOW = 2
BAND_EDGES = ((Decimal(70), "invest"), (Decimal(50), "sustain"), (Decimal(30), "review"))
CENT = Decimal("0.01")


def months_before(day: dt.date, months: int) -> dt.date:
    """``day`` minus ``months`` calendar months, the day clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def stale_cutoff(as_of: dt.date) -> dt.date:
    """Assessments dated before this day are stale (older than 18 months)."""
    return months_before(as_of, STALE_AFTER_MONTHS)


def band_for(score: Decimal | None) -> str:
    if score is None:
        return "no_data"
    for edge, band in BAND_EDGES:
        if score >= edge:
            return band
    return "deprioritise"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def achievement_decimal(achievement: float) -> Decimal:
    """The float achievement as PostgreSQL's ``CAST(double AS numeric)`` reads it."""
    return Decimal(format(achievement, ".15g"))


@dataclass(frozen=True)
class CriterionInput:
    score: int  # 1..5
    weight: Decimal
    is_human_rights: bool = False


@dataclass(frozen=True)
class SelectivityResult:
    priority_component: Decimal | None
    conditions_component: Decimal | None
    effectiveness_component: Decimal | None
    score: Decimal | None
    band: str
    flag_incomplete: bool
    flag_stale_assessment: bool
    flag_human_rights: bool
    flag_open_crisis: bool


def conditions_component(criteria: Sequence[CriterionInput]) -> Decimal | None:
    """Weighted mean of (score - 1) / 4 * 100 by criterion weight, to 0.01."""
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    if not criteria or total_weight == 0:
        return None
    weighted = sum((c.weight * (c.score - 1) * 25 for c in criteria), Decimal(0))
    return _cents(weighted / total_weight)


def selectivity_reference(
    *,
    weights: tuple[Decimal, Decimal, Decimal],
    tier: int | None,
    criteria: Sequence[CriterionInput] | None,
    assessed_on: dt.date | None,
    achievement: float | None,
    open_crisis: bool,
    as_of: dt.date,
) -> SelectivityResult:
    """One country's selectivity score from its inputs (see the module docstring).

    ``weights`` are (wP, wC, wE); ``criteria`` are the latest approved assessment's
    criterion scores (None: no approved assessment); ``achievement`` is the country
    rollup, 0..1 (None: no data).
    """
    p = TIER_POINTS.get(tier) if tier is not None else None
    c = conditions_component(criteria) if criteria else None
    e = _cents(achievement_decimal(achievement) * 100) if achievement is not None else None
    components = (p, c, e)
    present = [value is not None for value in components]
    weight_sum = sum((w for w, ok in zip(weights, present) if ok), Decimal(0))
    if weight_sum > 0:
        weighted = sum((w * v for w, v in zip(weights, components) if v is not None), Decimal(0))
        score = _cents(weighted / weight_sum)
    else:
        score = None
    hr_scores = [cr.score for cr in criteria or () if cr.is_human_rights]
    return SelectivityResult(
        priority_component=p,
        conditions_component=c,
        effectiveness_component=e,
        score=score,
        band=band_for(score),
        flag_incomplete=not all(present),
        flag_stale_assessment=assessed_on is not None and assessed_on < stale_cutoff(as_of),
        flag_human_rights=bool(hr_scores) and min(hr_scores) <= HUMAN_RIGHTS_CONCERN_AT_OR_BELOW,
        flag_open_crisis=open_crisis,
    )


# --- The set-based implementation ----------------------------------------------------

# Columns that define a score: a new row is appended only when one of them differs.
DEFINING_COLUMNS = (
    "framework_id", "weight_priority", "weight_conditions", "weight_effectiveness",
    "priority_tier", "priority_component", "assessment_id", "conditions_component",
    "effectiveness_component", "score", "band", "flag_incomplete", "flag_stale_assessment",
    "flag_human_rights", "flag_open_crisis",
)

_INSERT_SQL = """
WITH scope AS (
    SELECT c.id, c.priority_tier FROM programs_country c WHERE {scope_condition}
),
fw AS (
    SELECT f.id, f.weight_priority AS wp, f.weight_conditions AS wc, f.weight_effectiveness AS we
    FROM assessments_assessmentframework f
    WHERE f.retired_on IS NULL
    ORDER BY f.version DESC
    LIMIT 1
),
ranked AS (
    SELECT a.id, a.country_id, a.assessed_on,
           ROW_NUMBER() OVER (
               PARTITION BY a.country_id ORDER BY a.assessed_on DESC, a.approved_at DESC, a.id DESC
           ) AS rn
    FROM assessments_countryassessment a
    JOIN scope s ON s.id = a.country_id
    WHERE a.status = 'approved'
),
latest AS (
    SELECT id, country_id, assessed_on FROM ranked WHERE rn = 1
),
cond AS (
    SELECT l.country_id,
           ROUND(CAST(SUM(cr.weight * (cs.score - 1) * 25) AS NUMERIC) / SUM(cr.weight), 2) AS c,
           MIN(CASE WHEN cr.is_human_rights THEN cs.score END) AS hr_min
    FROM latest l
    JOIN assessments_criterionscore cs ON cs.assessment_id = l.id
    JOIN assessments_criterion cr ON cr.id = cs.criterion_id
    GROUP BY l.country_id
    HAVING SUM(cr.weight) > 0
),
tiers AS (
    SELECT t.country_id, MAX(t.updated_at) AS decided_at
    FROM programs_countrypriority_tier_placeholder t
    JOIN scope s ON s.id = t.country_id
    GROUP BY t.country_id
),
crises AS (
    SELECT DISTINCT ce.country_id FROM programs_crisisevent ce
    JOIN scope s ON s.id = ce.country_id
    WHERE ce.closed_on IS NULL
),
comp AS (
    SELECT s.id AS country_id,
           s.priority_tier,
           CASE s.priority_tier WHEN 1 THEN 100 WHEN 2 THEN 75 WHEN 3 THEN 50 WHEN 4 THEN 25 END AS p,
           tiers.decided_at,
           l.id AS assessment_id,
           l.assessed_on,
           cond.c,
           cond.hr_min,
           r.computed_at AS rollup_at,
           ROUND(CAST(r.achievement AS NUMERIC) * 100, 2) AS e,
           crises.country_id IS NOT NULL AS crisis
    FROM scope s
    LEFT JOIN latest l ON l.country_id = s.id
    LEFT JOIN cond ON cond.country_id = s.id
    LEFT JOIN tiers ON tiers.country_id = s.id
    LEFT JOIN evaluations_countryrollup r ON r.country_id = s.id
    LEFT JOIN crises ON crises.country_id = s.id
),
weighted AS (
    SELECT comp.*, fw.id AS framework_id, fw.wp, fw.wc, fw.we,
           (CASE WHEN comp.p IS NULL THEN 0 ELSE fw.wp END
            + CASE WHEN comp.c IS NULL THEN 0 ELSE fw.wc END
            + CASE WHEN comp.e IS NULL THEN 0 ELSE fw.we END) AS wsum,
           (COALESCE(fw.wp * comp.p, 0) + COALESCE(fw.wc * comp.c, 0) + COALESCE(fw.we * comp.e, 0)) AS wtotal
    FROM comp CROSS JOIN fw
),
scored AS (
    SELECT weighted.*,
           CASE WHEN wsum > 0 THEN ROUND(CAST(wtotal AS NUMERIC) / wsum, 2) END AS score
    FROM weighted
),
final AS (
    SELECT scored.*,
           CASE WHEN score IS NULL THEN 'no_data'
                WHEN score >= 70 THEN 'invest'
                WHEN score >= 50 THEN 'sustain'
                WHEN score >= 30 THEN 'review'
                ELSE 'deprioritise' END AS band,
           (p IS NULL OR c IS NULL OR e IS NULL) AS incomplete,
           COALESCE(assessed_on < %(stale_cutoff)s, FALSE) AS stale,
           COALESCE(hr_min <= {hr_threshold}, FALSE) AS hr
    FROM scored
),
prev AS (
    SELECT ss.* FROM assessments_selectivityscore ss
    WHERE ss.id IN (
        SELECT MAX(x.id) FROM assessments_selectivityscore x
        JOIN scope s ON s.id = x.country_id
        GROUP BY x.country_id
    )
)
INSERT INTO assessments_selectivityscore (
    country_id, computed_at, as_of, framework_id, weight_priority, weight_conditions,
    weight_effectiveness, priority_tier, tier_decided_at, priority_component, assessment_id,
    assessment_date, conditions_component, rollup_computed_at, effectiveness_component,
    score, band, flag_incomplete, flag_stale_assessment, flag_human_rights, flag_open_crisis
)
SELECT f.country_id, %(now)s, %(as_of)s, f.framework_id, f.wp, f.wc,
       f.we, f.priority_tier, f.decided_at, f.p, f.assessment_id,
       f.assessed_on, f.c, f.rollup_at, f.e,
       f.score, f.band, f.incomplete, f.stale, f.hr, f.crisis
FROM final f
LEFT JOIN prev ON prev.country_id = f.country_id
WHERE (prev.id IS NULL AND f.score IS NOT NULL)
   OR (prev.id IS NOT NULL AND (
        prev.framework_id IS DISTINCT FROM f.framework_id
        OR prev.weight_priority IS DISTINCT FROM f.wp
        OR prev.weight_conditions IS DISTINCT FROM f.wc
        OR prev.weight_effectiveness IS DISTINCT FROM f.we
        OR prev.priority_tier IS DISTINCT FROM f.priority_tier
        OR prev.priority_component IS DISTINCT FROM f.p
        OR prev.assessment_id IS DISTINCT FROM f.assessment_id
        OR prev.conditions_component IS DISTINCT FROM f.c
        OR prev.effectiveness_component IS DISTINCT FROM f.e
        OR prev.score IS DISTINCT FROM f.score
        OR prev.band IS DISTINCT FROM f.band
        OR prev.flag_incomplete IS DISTINCT FROM f.incomplete
        OR prev.flag_stale_assessment IS DISTINCT FROM f.stale
        OR prev.flag_human_rights IS DISTINCT FROM f.hr
        OR prev.flag_open_crisis IS DISTINCT FROM f.crisis
   ))
"""


def selectivity_insert_changed(
    *, country_ids: Iterable[int] | None = None, as_of: dt.date | None = None
) -> int:
    """Compute the scores of ``country_ids`` (all countries if None) in one statement and
    append a row for each country whose score changed. Returns the number of rows added.
    """
    from programs.models import CountryPriorityTier

    params: dict = {}
    if country_ids is None:
        scope_condition = "1 = 1"
    else:
        ids = sorted({int(i) for i in country_ids})
        if not ids:
            return 0
        names = []
        for index, country_id in enumerate(ids):
            params[f"c{index}"] = country_id
            names.append(f"%(c{index})s")
        scope_condition = f"c.id IN ({', '.join(names)})"
    as_of = as_of or timezone.localdate()
    params.update(stale_cutoff=stale_cutoff(as_of), as_of=as_of, now=timezone.now())
    sql = _INSERT_SQL.format(
        scope_condition=scope_condition, hr_threshold=int(HUMAN_RIGHTS_CONCERN_AT_OR_BELOW)
    ).replace("programs_countrypriority_tier_placeholder", CountryPriorityTier._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount

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
* range: low = sum(w * component present) / (wP + wC + wE), high = the same with each
  missing component at 100, both rounded to 0.01; the framework weights are not
  renormalised, so low <= score <= high, and low = score = high when complete;
* band from the rounded score: invest >= 70, sustain >= 50, review >= 30, else
  deprioritise; "no data" when no component is present;
* flags: incomplete; stale assessment (assessed before as_of minus 18 months); human
  rights concern (a human-rights criterion scored <= 2); open crisis (a crisis event
  with no closing date);
* caps: the framework version's band caps whose condition (a flag) holds lower the band
  to at most their ``max_band``; the band before caps is kept (``band_uncapped``), and
  the conditions that held are listed (``caps_applied``). A score of "no data" is not
  capped.

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

from infrastructure.sql import ids_in

from ..models import CapCondition

TIER_POINTS = {1: Decimal(100), 2: Decimal(75), 3: Decimal(50), 4: Decimal(25)}
STALE_AFTER_MONTHS = 18
HUMAN_RIGHTS_CONCERN_AT_OR_BELOW = 2
BAND_EDGES = ((Decimal(70), "invest"), (Decimal(50), "sustain"), (Decimal(30), "review"))
# Bands from lowest to highest: a cap keeps the lower of the band and its max_band.
BAND_ORDER = ("deprioritise", "review", "sustain", "invest")
# Cap conditions, in the order their codes are listed on a score.
CAP_CONDITIONS: tuple[str, ...] = tuple(CapCondition.values)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


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


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to 0.01, half up (as PostgreSQL rounds numeric)."""
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
class BandCapRule:
    """While ``condition`` (one of CAP_CONDITIONS) holds, the band is at most ``max_band``."""

    condition: str
    max_band: str


@dataclass(frozen=True)
class SelectivityResult:
    priority_component: Decimal | None
    conditions_component: Decimal | None
    effectiveness_component: Decimal | None
    score: Decimal | None
    low: Decimal | None
    high: Decimal | None
    band_uncapped: str
    band: str
    caps_applied: tuple[str, ...]
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
    return cents(weighted / total_weight)


def score_range(
    *, weights: tuple[Decimal, Decimal, Decimal], components: tuple[Decimal | None, ...]
) -> tuple[Decimal | None, Decimal | None]:
    """(low, high) on 0-100, to 0.01: each missing component (None) at 0 and at 100, with
    the framework weights as they are. (None, None) when the weights add up to 0."""
    total = sum(weights, Decimal(0))
    if total == 0:
        return (None, None)
    present = sum((w * v for w, v in zip(weights, components) if v is not None), Decimal(0))
    missing = sum((w for w, v in zip(weights, components) if v is None), Decimal(0))
    return (cents(present / total), cents((present + HUNDRED * missing) / total))


def capped_band(
    *, band: str, flags: dict[str, bool], caps: Sequence[BandCapRule]
) -> tuple[str, tuple[str, ...]]:
    """The band after ``caps`` whose condition holds in ``flags`` (condition -> bool), and
    those conditions in CAP_CONDITIONS order. A "no data" band is never capped."""
    if band not in BAND_ORDER:
        return band, ()
    held = [cap for cap in caps if flags.get(cap.condition)]
    for cap in held:
        if BAND_ORDER.index(cap.max_band) < BAND_ORDER.index(band):
            band = cap.max_band
    return band, tuple(c for c in CAP_CONDITIONS if any(cap.condition == c for cap in held))


def selectivity_reference(
    *,
    weights: tuple[Decimal, Decimal, Decimal],
    tier: int | None,
    criteria: Sequence[CriterionInput] | None,
    assessed_on: dt.date | None,
    achievement: float | None,
    open_crisis: bool,
    as_of: dt.date,
    caps: Sequence[BandCapRule] = (),
) -> SelectivityResult:
    """One country's selectivity score from its inputs (see the module docstring).

    ``weights`` are (wP, wC, wE); ``criteria`` are the latest approved assessment's
    criterion scores (None: no approved assessment); ``achievement`` is the country
    rollup, 0..1 (None: no data); ``caps`` are the framework version's band caps.
    """
    p = TIER_POINTS.get(tier) if tier is not None else None
    c = conditions_component(criteria) if criteria else None
    e = cents(achievement_decimal(achievement) * 100) if achievement is not None else None
    components = (p, c, e)
    present = [value is not None for value in components]
    weight_sum = sum((w for w, ok in zip(weights, present) if ok), Decimal(0))
    if weight_sum > 0:
        weighted = sum((w * v for w, v in zip(weights, components) if v is not None), Decimal(0))
        score = cents(weighted / weight_sum)
    else:
        score = None
    hr_scores = [cr.score for cr in criteria or () if cr.is_human_rights]
    flags = {
        "stale_assessment": assessed_on is not None and assessed_on < stale_cutoff(as_of),
        "human_rights": bool(hr_scores) and min(hr_scores) <= HUMAN_RIGHTS_CONCERN_AT_OR_BELOW,
        "open_crisis": open_crisis,
    }
    low, high = score_range(weights=weights, components=components)
    band, caps_applied = capped_band(band=band_for(score), flags=flags, caps=caps)
    return SelectivityResult(
        priority_component=p,
        conditions_component=c,
        effectiveness_component=e,
        score=score,
        low=low,
        high=high,
        band_uncapped=band_for(score),
        band=band,
        caps_applied=caps_applied,
        flag_incomplete=not all(present),
        flag_stale_assessment=flags["stale_assessment"],
        flag_human_rights=flags["human_rights"],
        flag_open_crisis=open_crisis,
    )


# --- The set-based implementation ----------------------------------------------------

# Columns that define a score: a new row is appended only when one of them differs.
DEFINING_COLUMNS = (
    "framework_id", "weight_priority", "weight_conditions", "weight_effectiveness",
    "priority_tier", "priority_component", "assessment_id", "conditions_component",
    "effectiveness_component", "score", "low", "high", "band_uncapped", "band", "caps_applied",
    "flag_incomplete", "flag_stale_assessment", "flag_human_rights", "flag_open_crisis",
)
# The computed column (in the statement's ``final`` step) that defines each stored column.
_COMPUTED = {
    "framework_id": "framework_id", "weight_priority": "wp", "weight_conditions": "wc",
    "weight_effectiveness": "we", "priority_tier": "priority_tier", "priority_component": "p",
    "assessment_id": "assessment_id", "conditions_component": "c", "effectiveness_component": "e",
    "score": "score", "low": "low", "high": "high", "band_uncapped": "band_uncapped", "band": "band",
    "caps_applied": "caps", "flag_incomplete": "incomplete", "flag_stale_assessment": "stale",
    "flag_human_rights": "hr", "flag_open_crisis": "crisis",
}
# Per cap condition, the flag (computed column) that makes it hold.
_CAP_FLAG = {"human_rights": "hr", "open_crisis": "crisis", "stale_assessment": "stale"}


def _band_rank_sql(column: str) -> str:
    """SQL: the band in ``column`` as its 1-based position in BAND_ORDER."""
    whens = " ".join(f"WHEN '{band}' THEN {rank}" for rank, band in enumerate(BAND_ORDER, start=1))
    return f"CASE {column} {whens} END"


def _rank_band_sql(column: str) -> str:
    """SQL: the band at the 1-based position in ``column``."""
    whens = " ".join(f"WHEN {rank} THEN '{band}'" for rank, band in enumerate(BAND_ORDER, start=1))
    return f"CASE {column} {whens} END"


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
fwcaps AS (
    SELECT bc.condition, {cap_rank} AS max_rank
    FROM assessments_bandcap bc JOIN fw ON fw.id = bc.framework_id
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
           fw.wp + fw.wc + fw.we AS wall,
           (CASE WHEN comp.p IS NULL THEN 0 ELSE fw.wp END
            + CASE WHEN comp.c IS NULL THEN 0 ELSE fw.wc END
            + CASE WHEN comp.e IS NULL THEN 0 ELSE fw.we END) AS wsum,
           (COALESCE(fw.wp * comp.p, 0) + COALESCE(fw.wc * comp.c, 0) + COALESCE(fw.we * comp.e, 0)) AS wtotal
    FROM comp CROSS JOIN fw
),
scored AS (
    SELECT weighted.*,
           CASE WHEN wsum > 0 THEN ROUND(CAST(wtotal AS NUMERIC) / wsum, 2) END AS score,
           CASE WHEN wall > 0 THEN ROUND(CAST(wtotal AS NUMERIC) / wall, 2) END AS low,
           CASE WHEN wall > 0 THEN ROUND(CAST(wtotal + 100 * (wall - wsum) AS NUMERIC) / wall, 2) END AS high
    FROM weighted
),
flagged AS (
    SELECT scored.*,
           CASE WHEN score IS NULL THEN 'no_data'
                WHEN score >= 70 THEN 'invest'
                WHEN score >= 50 THEN 'sustain'
                WHEN score >= 30 THEN 'review'
                ELSE 'deprioritise' END AS band_uncapped,
           (p IS NULL OR c IS NULL OR e IS NULL) AS incomplete,
           COALESCE(assessed_on < %s, FALSE) AS stale,
           COALESCE(hr_min <= {hr_threshold}, FALSE) AS hr
    FROM scored
),
capped AS (
    SELECT f.country_id, MIN(fc.max_rank) AS cap_rank, {cap_held}
    FROM flagged f JOIN fwcaps fc ON {cap_join}
    WHERE f.score IS NOT NULL
    GROUP BY f.country_id
),
final AS (
    SELECT f.*,
           CASE WHEN capped.cap_rank < {uncapped_rank} THEN {capped_band}
                ELSE f.band_uncapped END AS band,
           RTRIM({caps_list}, ',') AS caps
    FROM flagged f LEFT JOIN capped ON capped.country_id = f.country_id
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
    country_id, computed_at, as_of, tier_decided_at, assessment_date, rollup_computed_at,
    {defining_columns}
)
SELECT f.country_id, %s, %s, f.decided_at, f.assessed_on, f.rollup_at,
       {defining_values}
FROM final f
LEFT JOIN prev ON prev.country_id = f.country_id
WHERE (prev.id IS NULL AND f.score IS NOT NULL)
   OR (prev.id IS NOT NULL AND ({changed}))
"""


def _insert_sql(scope_condition: str) -> str:
    from programs.models import CountryPriorityTier

    return _INSERT_SQL.format(
        scope_condition=scope_condition,
        hr_threshold=int(HUMAN_RIGHTS_CONCERN_AT_OR_BELOW),
        cap_rank=_band_rank_sql("bc.max_band"),
        cap_held=", ".join(
            f"MAX(CASE WHEN fc.condition = '{code}' THEN 1 ELSE 0 END) AS held_{code}" for code in CAP_CONDITIONS
        ),
        cap_join=" OR ".join(f"(fc.condition = '{code}' AND f.{flag})" for code, flag in _CAP_FLAG.items()),
        uncapped_rank=_band_rank_sql("f.band_uncapped"),
        capped_band=_rank_band_sql("capped.cap_rank"),
        caps_list=" || ".join(
            f"CASE WHEN capped.held_{code} = 1 THEN '{code},' ELSE '' END" for code in CAP_CONDITIONS
        ),
        defining_columns=", ".join(DEFINING_COLUMNS),
        defining_values=", ".join(f"f.{_COMPUTED[column]}" for column in DEFINING_COLUMNS),
        changed="\n        OR ".join(
            f"prev.{column} IS DISTINCT FROM f.{_COMPUTED[column]}" for column in DEFINING_COLUMNS
        ),
    ).replace("programs_countrypriority_tier_placeholder", CountryPriorityTier._meta.db_table)


def selectivity_insert_changed(
    *, country_ids: Iterable[int] | None = None, as_of: dt.date | None = None
) -> int:
    """Compute the scores of ``country_ids`` (all countries if None) in one statement and
    append a row for each country whose score changed. Returns the number of rows added.
    """
    scope_condition, scope_params = ids_in("c.id", country_ids)
    as_of = as_of or timezone.localdate()
    params = [*scope_params, stale_cutoff(as_of), timezone.now(), as_of]  # in the order of their %s
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(scope_condition), params)
        return cursor.rowcount

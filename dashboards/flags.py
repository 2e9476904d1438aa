"""Open flags a manager acts on, counted and listed in the database (one query each).

Definitions (DESIGN.md section 3, coordination checks; section 2, vetting):
- overlap: a country and a goal (or a partner institution) served by running programs of
  two or more lead agencies in a common fiscal year (programs overlap in years exactly
  when they share a fiscal year, so grouping by year finds every overlapping pair). The
  same rule as the coordination check (evaluations/selectors/coordination.py), counted
  per situation (country and goal or institution) rather than per pair of programs,
  and not filtered by acknowledgements: a dashboard shows where agencies meet;
- gap: an objective of a country strategy of a tier 1-2 country with no running program;
- surge without link: a running surge program with no long-term objective or no
  sustainment plan;
- vetting: a running program serving a partner institution that needs vetting (every
  type but civil society and international organizations) with no current approved
  vetting (approved and not expired on the day), as in the coordination check;
- stale assessment: a country whose current selectivity score is flagged stale (its
  approved assessment is older than 18 months);
- overdue recommendation: an evaluation recommendation not implemented / not accepted
  whose due date has passed;
- open crisis: a crisis event with no closing date.

"Running" programs are active, under review or restructured and not archived.
Standard SQL that runs on PostgreSQL (production, tests) and on SQLite (the embedded
set-up of `make start`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from infrastructure.sql import string_agg, string_agg_distinct
from programs.selectors.sql import RUNNING_SQL, VETTING_EXEMPT_SQL

LIST_LIMIT = 300


@dataclass(frozen=True)
class FlagKind:
    key: str
    label: str
    description: str
    columns: tuple[str, ...]


KINDS = {
    kind.key: kind
    for kind in [
        FlagKind("overlaps", "Overlaps", "Running programs of different agencies serving the same goal or partner "
                 "institution in one country in a common fiscal year.",
                 ("Country", "Overlap on", "Agencies", "Programs", "First common FY")),
        FlagKind("gaps", "Gaps", "Objectives of tier 1-2 countries' strategies with no running program.",
                 ("Country", "Tier", "Strategy", "Objective")),
        FlagKind("surge", "Surge without long-term link", "Running surge programs with no long-term objective "
                 "or no sustainment plan.", ("Program", "Countries", "Missing")),
        FlagKind("vetting", "Vetting", "Running programs serving a partner unit without current approved "
                 "(Leahy) vetting.", ("Program", "Partner institution", "Country", "Latest vetting status")),
        FlagKind("stale", "Stale assessments", "Countries whose current selectivity score rests on an approved "
                 "assessment older than 18 months.", ("Country", "Assessment date", "Score computed at")),
        FlagKind("overdue", "Overdue recommendations", "Evaluation recommendations not closed whose due date "
                 "has passed.", ("Program", "Recommendation", "Owner", "Due on", "Follow-up")),
        FlagKind("crises", "Open crises", "Crisis events not yet closed (their programs are under review).",
                 ("Country", "Crisis", "Occurred on")),
    ]
}


def _in(column: str, ids: list[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _overlaps_sql(ids):
    """Standard SQL (PostgreSQL, and SQLite for the embedded set-up): the fiscal years
    come from a recursive CTE bounded by the programs' own years."""
    where, params = _in("pc.country_id", ids)
    sql = f"""
        WITH RECURSIVE rp AS MATERIALIZED (
            SELECT p.id, p.code, p.lead_agency_id, pc.country_id,
                   CAST(p.start_fy AS integer) AS start_fy, CAST(p.end_fy AS integer) AS end_fy
            FROM programs_program p JOIN programs_program_countries pc ON pc.program_id = p.id
            WHERE p.archived_at IS NULL AND p.status IN {RUNNING_SQL}{where}
        ), years(fy) AS (
            SELECT MIN(start_fy) FROM rp
            UNION ALL
            SELECT fy + 1 FROM years WHERE fy < (SELECT MAX(end_fy) FROM rp)
        ), hits AS MATERIALIZED (
            SELECT rp.country_id, 'goal' AS on_kind, g.goal_id AS on_id, rp.start_fy, rp.end_fy, rp.lead_agency_id, rp.code
            FROM rp JOIN programs_program_goals g ON g.program_id = rp.id
            UNION ALL
            SELECT rp.country_id, 'institution', i.partnerinstitution_id, rp.start_fy, rp.end_fy, rp.lead_agency_id, rp.code
            FROM rp JOIN programs_program_partner_institutions i ON i.program_id = rp.id
        ), candidates AS MATERIALIZED (
            SELECT country_id, on_kind, on_id FROM hits
            GROUP BY country_id, on_kind, on_id HAVING COUNT(DISTINCT lead_agency_id) > 1
        ), groups AS MATERIALIZED (
            SELECT country_id, on_kind, on_id, MIN(fy) AS first_fy
            FROM (SELECT h.country_id, h.on_kind, h.on_id, y.fy
                  FROM hits h JOIN candidates c USING (country_id, on_kind, on_id)
                  JOIN years y ON y.fy BETWEEN h.start_fy AND h.end_fy
                  GROUP BY h.country_id, h.on_kind, h.on_id, y.fy
                  HAVING COUNT(DISTINCT h.lead_agency_id) > 1) overlapping
            GROUP BY country_id, on_kind, on_id
        )
    """
    return sql, params


def _overlaps_rows(ids):
    sql, params = _overlaps_sql(ids)
    return sql + f"""
        SELECT c.name, c.iso3, MAX(CASE WHEN gr.on_kind = 'goal' THEN 'Goal ' || go.code ELSE inst.name END),
               {string_agg_distinct("a.code")}, {string_agg_distinct("h.code")}, gr.first_fy
        FROM groups gr
        JOIN hits h ON h.country_id = gr.country_id AND h.on_kind = gr.on_kind AND h.on_id = gr.on_id
        JOIN programs_agency a ON a.id = h.lead_agency_id
        JOIN programs_country c ON c.id = gr.country_id
        LEFT JOIN programs_goal go ON gr.on_kind = 'goal' AND go.id = gr.on_id
        LEFT JOIN programs_partnerinstitution inst ON gr.on_kind = 'institution' AND inst.id = gr.on_id
        GROUP BY c.name, c.iso3, gr.country_id, gr.on_kind, gr.on_id, gr.first_fy
        ORDER BY c.name, 3 LIMIT {LIST_LIMIT}
    """, params


def _overlaps_count(ids):
    sql, params = _overlaps_sql(ids)
    return sql + " SELECT COUNT(*) FROM groups", params


def _gaps_from(ids):
    where, params = _in("s.country_id", ids)
    return f"""
        FROM programs_objective o
        JOIN programs_strategy s ON s.id = o.strategy_id AND s.scope = 'country' AND s.archived_at IS NULL
        JOIN programs_country c ON c.id = s.country_id AND c.priority_tier IN (1, 2)
        WHERE o.archived_at IS NULL{where} AND NOT EXISTS (
            SELECT 1 FROM programs_program_objectives po JOIN programs_program p ON p.id = po.program_id
            WHERE po.objective_id = o.id AND p.archived_at IS NULL AND p.status IN {RUNNING_SQL})
    """, params


def _gaps_rows(ids):
    frm, params = _gaps_from(ids)
    return f"SELECT c.name, c.iso3, c.priority_tier, s.title, o.code || ' ' || o.description {frm} " \
           f"ORDER BY c.name, o.code LIMIT {LIST_LIMIT}", params


def _gaps_count(ids):
    frm, params = _gaps_from(ids)
    return f"SELECT COUNT(*) {frm}", params


def _scope_programs(ids) -> tuple[str, list]:
    where, params = _in("pc.country_id", ids)
    if ids is None:
        return "", []
    return f" AND p.id IN (SELECT pc.program_id FROM programs_program_countries pc WHERE 1 = 1{where})", params


def _surge_from(ids):
    scope, params = _scope_programs(ids)
    return f"""
        FROM programs_program p
        WHERE p.archived_at IS NULL AND p.status IN {RUNNING_SQL} AND p.is_surge
          AND (p.long_term_objective_id IS NULL OR TRIM(p.sustainment_plan) = ''){scope}
    """, params


def _surge_rows(ids):
    frm, params = _surge_from(ids)
    return f"""SELECT p.id, p.code || ' ' || p.title,
        (SELECT {string_agg("c.iso3")} FROM programs_program_countries pc2
         JOIN programs_country c ON c.id = pc2.country_id WHERE pc2.program_id = p.id),
        CASE WHEN p.long_term_objective_id IS NULL AND TRIM(p.sustainment_plan) = ''
                  THEN 'long-term objective, sustainment plan'
             WHEN p.long_term_objective_id IS NULL THEN 'long-term objective'
             WHEN TRIM(p.sustainment_plan) = '' THEN 'sustainment plan' END
        {frm} ORDER BY p.code LIMIT {LIST_LIMIT}""", params


def _surge_count(ids):
    frm, params = _surge_from(ids)
    return f"SELECT COUNT(*) {frm}", params


def _vetting_from(ids, today):
    scope, params = _scope_programs(ids)
    return f"""
        FROM programs_program p
        JOIN programs_program_partner_institutions pi ON pi.program_id = p.id
        JOIN programs_partnerinstitution i ON i.id = pi.partnerinstitution_id
        JOIN programs_country c ON c.id = i.country_id
        WHERE p.archived_at IS NULL AND p.status IN {RUNNING_SQL}{scope}
          AND i.institution_type NOT IN {VETTING_EXEMPT_SQL} AND NOT EXISTS (
            SELECT 1 FROM programs_vetting v WHERE v.institution_id = i.id AND v.status = 'approved'
              AND (v.expires_on IS NULL OR v.expires_on >= %s))
    """, [*params, today]


def _vetting_rows(ids, today):
    frm, params = _vetting_from(ids, today)
    return f"""SELECT p.id, p.code || ' ' || p.title, i.name, c.name, c.iso3,
        COALESCE((SELECT v.status FROM programs_vetting v WHERE v.institution_id = i.id
                  ORDER BY v.requested_on DESC, v.id DESC LIMIT 1), 'none')
        {frm} ORDER BY p.code, i.name LIMIT {LIST_LIMIT}""", params


def _vetting_count(ids, today):
    frm, params = _vetting_from(ids, today)
    return f"SELECT COUNT(*) {frm}", params


def _stale_from(ids):
    where, params = _in("s.country_id", ids)
    return f"""
        FROM assessments_selectivityscore s JOIN programs_country c ON c.id = s.country_id
        WHERE s.id IN (SELECT MAX(x.id) FROM assessments_selectivityscore x GROUP BY x.country_id)
          AND s.flag_stale_assessment{where}
    """, params


def _stale_rows(ids):
    frm, params = _stale_from(ids)
    return f"SELECT c.name, c.iso3, s.assessment_date, s.computed_at {frm} ORDER BY c.name LIMIT {LIST_LIMIT}", params


def _stale_count(ids):
    frm, params = _stale_from(ids)
    return f"SELECT COUNT(*) {frm}", params


def _overdue_from(ids, today):
    scope, params = _scope_programs(ids)
    return f"""
        FROM evaluations_recommendation r
        JOIN evaluations_evaluation e ON e.id = r.evaluation_id
        JOIN programs_program p ON p.id = e.program_id
        WHERE r.follow_up_status IN ('open', 'in_progress') AND r.due_on < %s AND p.archived_at IS NULL{scope}
    """, [today, *params]


def _overdue_rows(ids, today):
    frm, params = _overdue_from(ids, today)
    return f"""SELECT p.id, p.code || ' ' || p.title, r.text, r.owner, r.due_on, r.follow_up_status
        {frm} ORDER BY r.due_on, r.id LIMIT {LIST_LIMIT}""", params


def _overdue_count(ids, today):
    frm, params = _overdue_from(ids, today)
    return f"SELECT COUNT(*) {frm}", params


def _crises_from(ids):
    where, params = _in("e.country_id", ids)
    return f"""FROM programs_crisisevent e JOIN programs_country c ON c.id = e.country_id
        WHERE e.closed_on IS NULL{where}""", params


def _crises_rows(ids):
    frm, params = _crises_from(ids)
    return f"SELECT c.name, c.iso3, e.title, e.occurred_on {frm} ORDER BY e.occurred_on DESC LIMIT {LIST_LIMIT}", params


def _crises_count(ids):
    frm, params = _crises_from(ids)
    return f"SELECT COUNT(*) {frm}", params


def _count_statements(ids, today):
    return {
        "overlaps": _overlaps_count(ids),
        "gaps": _gaps_count(ids),
        "surge": _surge_count(ids),
        "vetting": _vetting_count(ids, today),
        "stale": _stale_count(ids),
        "overdue": _overdue_count(ids, today),
        "crises": _crises_count(ids),
    }


def flag_counts(country_ids: Iterable[int] | None = None, *, today: dt.date | None = None) -> dict[str, int]:
    """Count of every flag kind in scope (None: the whole portfolio), in one query."""
    ids = None if country_ids is None else [int(i) for i in country_ids]
    today = today or timezone.localdate()
    statements = _count_statements(ids, today)
    selects, params = [], []
    for key, (sql, sql_params) in statements.items():
        selects.append(f"({sql}) AS {key}")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    return dict(zip(statements.keys(), (int(v) for v in row)))


def flag_rows(kind: str, country_ids: Iterable[int] | None = None, *, today: dt.date | None = None) -> list[tuple]:
    """The flagged items of ``kind`` in scope (at most LIST_LIMIT), raw tuples."""
    ids = None if country_ids is None else [int(i) for i in country_ids]
    today = today or timezone.localdate()
    builders = {
        "overlaps": lambda: _overlaps_rows(ids),
        "gaps": lambda: _gaps_rows(ids),
        "surge": lambda: _surge_rows(ids),
        "vetting": lambda: _vetting_rows(ids, today),
        "stale": lambda: _stale_rows(ids),
        "overdue": lambda: _overdue_rows(ids, today),
        "crises": lambda: _crises_rows(ids),
    }
    sql, params = builders[kind]()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()

"""The coordination rules (DESIGN.md section 3; vetting: section 2), each defined once in
SQL. The findings lists (:mod:`evaluations.selectors.coordination`, the coordination page
and the API) and the dashboards' flag counts and flag lists (:mod:`dashboards.selectors.flags`)
both read these relations, as stored for today by
:mod:`evaluations.services.coordination_findings` (computed once for the whole portfolio,
read per scope: ``stored_rule_rows``, ``stored_rule_counts``), so a count always equals
the length of its list; ``rule_rows`` computes a rule for another day.

Each rule is a relation with one row per finding, optionally limited to the programs
(or objectives) of some countries:

* ``overlap``: a country and a goal, or a partner institution (under its own country,
  as for vetting), served by
  running programs of two or more lead agencies in at least one common fiscal year. One
  finding per such group (not per pair of programs): the brief speaks of "two or more
  active programs", and a manager acts on the situation (who else works on this goal
  here), which a list of every pair would repeat n(n-1)/2 times. The group names the
  first and last overlapping year and the programs whose years meet that span;
* ``donor_overlap``: another donor's engagement in the same country and DAC sector as a
  running program, in overlapping fiscal years (one finding per engagement and program);
* ``gap``: an objective of a country strategy of a tier 1-2 country that no running
  program serves;
* ``surge``: a running surge program with no long-term objective or no sustainment plan;
* ``vetting``: a running program serving a partner institution that needs vetting (every
  type but civil society and international organizations) with no approved vetting
  unexpired on the day; scoped by the institution's country (not by every country of
  the program).

"Running" is :data:`programs.models.RUNNING_STATUSES` and not archived. Ids and dates
reach the SQL as ``%s`` parameters, never interpolated. Standard SQL that runs on
PostgreSQL and on SQLite (the embedded set-up).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Count

from infrastructure.sql import REPORT_WORK_MEM, bulk_settings_for_transaction, ids_in, string_agg, string_agg_distinct
from programs.selectors.sql import RUNNING_SQL, VETTING_EXEMPT_SQL

from ..models import CoordinationFinding

Statement = tuple[str, list]
RUNNING_PROGRAM = f"p.archived_at IS NULL AND p.status IN {RUNNING_SQL}"


def ids_condition(column: str, ids: list[int] | None) -> Statement:
    """`` AND column IN (%s, ...)`` with the ids as parameters (see ``ids_in``)."""
    condition, params = ids_in(column, ids)
    return f" AND {condition}", params


def programs_in_countries(ids: list[int] | None) -> Statement:
    """`` AND p.id IN (programs of these countries)`` (nothing for no scope)."""
    if ids is None:
        return "", []
    where, params = ids_condition("pc.country_id", ids)
    return f" AND p.id IN (SELECT pc.program_id FROM programs_program_countries pc WHERE 1 = 1{where})", params


def _overlap_groups(ids: list[int] | None) -> Statement:
    """The overlap rule itself: ``WITH RECURSIVE ...`` ending in ``found`` (country_id,
    on_kind 'goal' | 'institution', on_id, first_fy, last_fy), one row per finding; the
    other CTEs (``hits``: running programs per country and goal / institution, with the
    lowest and highest lead agency of their group; ``overlapping``: the years in which two
    or more lead agencies meet) are there for the finding's details.

    Which country scopes a hit: a goal (a strategic goal, the same everywhere) counts under
    every country of the program; a partner institution under its own country only, as the
    vetting rule does (a partner unit belongs to one country: two programs serving Kenya and
    Mozambique and the Mozambique Customs Authority overlap in Mozambique, not in Kenya). The
    pure reference, held equal by a test: :mod:`evaluations.computations.overlap`.

    "Two or more lead agencies" is ``MIN(agency) < MAX(agency)``: the same test as
    ``COUNT(DISTINCT ...) > 1`` without sorting every hit-year (300,000 at the large size).
    Groups of one agency are left out by the window's columns, not by joining a list of
    candidate groups back: materialized CTEs carry no statistics, so such a three-column
    join was estimated at 16 rows for 51,000 and every later join ran as a nested loop
    (6-9 s for the flag list at the large size)."""
    by_program, program_params = ids_condition("pc.country_id", ids)
    by_institution, institution_params = ids_condition("i.country_id", ids)
    in_scope, scope_params = "", []
    if ids is not None:  # the programs in those countries or serving their institutions
        in_scope = f""" AND p.id IN (SELECT pc.program_id FROM programs_program_countries pc WHERE 1 = 1{by_program}
            UNION SELECT ppi.program_id FROM programs_program_partner_institutions ppi
                  JOIN programs_partnerinstitution i ON i.id = ppi.partnerinstitution_id WHERE 1 = 1{by_institution})"""
        scope_params = [*program_params, *institution_params]
    return f"""
        WITH RECURSIVE rp AS MATERIALIZED (
            SELECT p.id, p.code, p.lead_agency_id,
                   CAST(p.start_fy AS integer) AS start_fy, CAST(p.end_fy AS integer) AS end_fy
            FROM programs_program p
            WHERE {RUNNING_PROGRAM}{in_scope}
        ), years(fy) AS (
            SELECT MIN(start_fy) FROM rp
            UNION ALL
            SELECT fy + 1 FROM years WHERE fy < (SELECT MAX(end_fy) FROM rp)
        ), hits AS MATERIALIZED (
            SELECT u.*, MIN(u.lead_agency_id) OVER (PARTITION BY u.country_id, u.on_kind, u.on_id) AS min_agency,
                   MAX(u.lead_agency_id) OVER (PARTITION BY u.country_id, u.on_kind, u.on_id) AS max_agency
            FROM (
                SELECT pc.country_id, 'goal' AS on_kind, g.goal_id AS on_id, rp.start_fy, rp.end_fy,
                       rp.lead_agency_id, rp.id AS program_id, rp.code
                FROM rp JOIN programs_program_countries pc ON pc.program_id = rp.id
                JOIN programs_program_goals g ON g.program_id = rp.id
                WHERE 1 = 1{by_program}
                UNION ALL
                SELECT i.country_id, 'institution', i.id, rp.start_fy, rp.end_fy,
                       rp.lead_agency_id, rp.id, rp.code
                FROM rp JOIN programs_program_partner_institutions ppi ON ppi.program_id = rp.id
                JOIN programs_partnerinstitution i ON i.id = ppi.partnerinstitution_id
                WHERE 1 = 1{by_institution}
            ) u
        ), overlapping AS MATERIALIZED (
            SELECT h.country_id, h.on_kind, h.on_id, y.fy
            FROM hits h JOIN years y ON y.fy BETWEEN h.start_fy AND h.end_fy
            WHERE h.min_agency < h.max_agency
            GROUP BY h.country_id, h.on_kind, h.on_id, y.fy
            HAVING MIN(h.lead_agency_id) < MAX(h.lead_agency_id)
        ), found AS MATERIALIZED (
            SELECT country_id, on_kind, on_id, MIN(fy) AS first_fy, MAX(fy) AS last_fy
            FROM overlapping GROUP BY country_id, on_kind, on_id
        )
    """, [*scope_params, *program_params, *institution_params]


def _overlap(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: country_id, country_name, iso3, on_kind ('goal' | 'institution'), on_id,
    on_name (goal code or institution name), agencies ("DOD, DOS"), programs
    ("12:KEN-001 (DOS), 15:KEN-007 (DOD)": id:code (agency) of each program of the group
    whose years meet the span of overlapping years, first_fy to last_fy), first_fy,
    last_fy."""
    groups, params = _overlap_groups(ids)
    # Names are looked up per finding after grouping (by primary key), so a misestimated
    # row count cannot turn them into a scan of every country per hit.
    return groups + f"""
        SELECT d.country_id, (SELECT c.name FROM programs_country c WHERE c.id = d.country_id) AS country_name,
               (SELECT c.iso3 FROM programs_country c WHERE c.id = d.country_id) AS iso3, d.on_kind, d.on_id,
               CASE WHEN d.on_kind = 'goal' THEN (SELECT go.code FROM programs_goal go WHERE go.id = d.on_id)
                    ELSE (SELECT inst.name FROM programs_partnerinstitution inst WHERE inst.id = d.on_id)
               END AS on_name,
               d.agencies, d.programs, d.first_fy, d.last_fy
        FROM (
            SELECT f.country_id, f.on_kind, f.on_id,
                   {string_agg_distinct("a.code")} AS agencies,
                   {string_agg_distinct("CAST(h.program_id AS varchar(20)) || ':' || h.code || ' (' || a.code || ')'")}
                       AS programs,
                   f.first_fy, f.last_fy
            FROM found f
            JOIN hits h ON h.country_id = f.country_id AND h.on_kind = f.on_kind AND h.on_id = f.on_id
                 AND h.start_fy <= f.last_fy AND h.end_fy >= f.first_fy
            JOIN programs_agency a ON a.id = h.lead_agency_id
            GROUP BY f.country_id, f.on_kind, f.on_id, f.first_fy, f.last_fy
        ) d
    """, params


def _donor_overlap(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: country_id, country_name, iso3, donor_id, donor_name, dac_code, sector_name,
    program_id, program_code, engagement_id, start_fy, end_fy (the engagement's years)."""
    where, params = ids_condition("e.country_id", ids)
    return f"""
        SELECT c.id AS country_id, c.name AS country_name, c.iso3, d.id AS donor_id, d.name AS donor_name,
               s.dac_code, s.name AS sector_name, p.id AS program_id, p.code AS program_code,
               e.id AS engagement_id, e.start_fy, e.end_fy
        FROM programs_donorengagement e
        JOIN programs_otherdonor d ON d.id = e.donor_id
        JOIN programs_sector s ON s.id = e.sector_id
        JOIN programs_country c ON c.id = e.country_id
        JOIN programs_program_countries pc ON pc.country_id = e.country_id
        JOIN programs_program_sectors ps ON ps.program_id = pc.program_id AND ps.sector_id = e.sector_id
        JOIN programs_program p ON p.id = pc.program_id
        WHERE {RUNNING_PROGRAM} AND p.start_fy <= e.end_fy AND e.start_fy <= p.end_fy{where}
    """, params


def _gap(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: country_id, country_name, iso3, tier, strategy_id, strategy_title,
    objective_id, objective_code, objective_description."""
    where, params = ids_condition("st.country_id", ids)
    return f"""
        SELECT c.id AS country_id, c.name AS country_name, c.iso3, c.priority_tier AS tier,
               st.id AS strategy_id, st.title AS strategy_title, o.id AS objective_id,
               o.code AS objective_code, o.description AS objective_description
        FROM programs_objective o
        JOIN programs_strategy st ON st.id = o.strategy_id AND st.scope = 'country' AND st.archived_at IS NULL
        JOIN programs_country c ON c.id = st.country_id AND c.priority_tier IN (1, 2)
        WHERE o.archived_at IS NULL{where} AND NOT EXISTS (
            SELECT 1 FROM programs_program_objectives po JOIN programs_program p ON p.id = po.program_id
            WHERE po.objective_id = o.id AND {RUNNING_PROGRAM})
    """, params


def _surge(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: program_id, program_code, program_title, long_term_objective_id,
    no_plan (boolean), country_names, iso3s (both joined with ", ")."""
    scope, params = programs_in_countries(ids)
    return f"""
        SELECT p.id AS program_id, p.code AS program_code, p.title AS program_title,
               p.long_term_objective_id, (TRIM(p.sustainment_plan) = '') AS no_plan,
               (SELECT {string_agg("c.name")} FROM programs_program_countries pc2
                  JOIN programs_country c ON c.id = pc2.country_id WHERE pc2.program_id = p.id) AS country_names,
               (SELECT {string_agg("c.iso3")} FROM programs_program_countries pc2
                  JOIN programs_country c ON c.id = pc2.country_id WHERE pc2.program_id = p.id) AS iso3s
        FROM programs_program p
        WHERE {RUNNING_PROGRAM} AND p.is_surge
          AND (p.long_term_objective_id IS NULL OR TRIM(p.sustainment_plan) = ''){scope}
    """, params


def _vetting(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: country_id, country_name, iso3 (the institution's country), program_id,
    program_code, program_title, institution_id, institution_name, latest
    ("status:expires_on" of the latest vetting request, or NULL when never vetted).

    A finding counts under the institution's own country only: a regional program's
    institution in Kenya is not Ghana's to vet, though the program serves Ghana too. The
    pure reference, held equal by a test: :mod:`evaluations.computations.vetting`."""
    where, params = ids_condition("i.country_id", ids)
    return f"""
        SELECT c.id AS country_id, c.name AS country_name, c.iso3,
               p.id AS program_id, p.code AS program_code, p.title AS program_title,
               i.id AS institution_id, i.name AS institution_name,
               (SELECT v.status || ':' || COALESCE(CAST(v.expires_on AS varchar(10)), '')
                  FROM programs_vetting v WHERE v.institution_id = i.id
                  ORDER BY v.requested_on DESC, v.id DESC LIMIT 1) AS latest
        FROM programs_program_partner_institutions ppi
        JOIN programs_program p ON p.id = ppi.program_id
        JOIN programs_partnerinstitution i ON i.id = ppi.partnerinstitution_id
        JOIN programs_country c ON c.id = i.country_id
        WHERE {RUNNING_PROGRAM}{where} AND i.institution_type NOT IN {VETTING_EXEMPT_SQL}
          AND NOT EXISTS (
            SELECT 1 FROM programs_vetting v WHERE v.institution_id = i.id AND v.status = 'approved'
              AND (v.expires_on IS NULL OR v.expires_on >= %s))
    """, [*params, today]


RULES: dict[str, Callable[[list[int] | None, dt.date], Statement]] = {
    "overlap": _overlap,
    "donor_overlap": _donor_overlap,
    "gap": _gap,
    "surge": _surge,
    "vetting": _vetting,
}

# Each rule's order, ending in ids so that it is total: the stored findings are numbered
# in it, a block of countries at a time, and must number alike whatever the blocks.
ORDER_BY = {
    "overlap": "country_name, on_kind, on_name, on_id",
    "donor_overlap": "country_name, dac_code, donor_name, program_code, program_id, engagement_id",
    "gap": "tier, country_name, strategy_title, objective_code, objective_id",
    "surge": "program_code, program_id",
    "vetting": "country_name, program_code, institution_name, program_id, institution_id",
}


# Each rule's columns (its SELECT list, in order; a test holds them equal to the SQL's),
# stored as a finding's ``data`` by ``evaluations.services.coordination_findings``.
COLUMNS = {
    "overlap": ("country_id", "country_name", "iso3", "on_kind", "on_id", "on_name", "agencies", "programs",
                "first_fy", "last_fy"),
    "donor_overlap": ("country_id", "country_name", "iso3", "donor_id", "donor_name", "dac_code", "sector_name",
                      "program_id", "program_code", "engagement_id", "start_fy", "end_fy"),
    "gap": ("country_id", "country_name", "iso3", "tier", "strategy_id", "strategy_title", "objective_id",
            "objective_code", "objective_description"),
    "surge": ("program_id", "program_code", "program_title", "long_term_objective_id", "no_plan", "country_names",
              "iso3s"),
    "vetting": ("country_id", "country_name", "iso3", "program_id", "program_code", "program_title",
                "institution_id", "institution_name", "latest"),
}

# Rules scoped by their program's countries (the others by their ``country_id``).
SCOPED_BY_PROGRAM = frozenset({"surge"})

# Rules whose order starts with a country's name, so that each country's findings are one
# block of the order, stored and rebuilt a block at a time: the rule's column naming the
# block's country (matched to ``programs_country`` by ``id`` or ``iso3``). A finding's
# stored number is its block's place among the countries (by name) times BLOCK_SIZE plus
# its place in the block. The others (gap, surge: a few hundred findings) are numbered
# 1..n and rebuilt whole.
BLOCKED_BY_COUNTRY = {"overlap": ("country_id", "id"), "donor_overlap": ("country_id", "id"),
                      "vetting": ("iso3", "iso3")}
BLOCK_SIZE = 1_000_000


def _scope(country_ids: Iterable[int] | None) -> list[int] | None:
    return None if country_ids is None else [int(i) for i in country_ids]


def rule_rows(rule: str, country_ids: Iterable[int] | None = None, *, today: dt.date,
              limit: int | None = None) -> list[dict]:
    """The findings of ``rule`` in scope (None: everywhere) as dicts of the rule's
    columns (see each rule), in the rule's order, at most ``limit``; one query."""
    sql, params = RULES[rule](_scope(country_ids), today)
    statement = f"SELECT * FROM ({sql}) AS found ORDER BY {ORDER_BY[rule]}"
    if limit is not None:
        statement, params = statement + " LIMIT %s", [*params, int(limit)]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if rule == "overlap":
            rule_settings_for_transaction()
        cursor.execute(statement, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def rule_settings_for_transaction() -> None:
    """Room for the overlap rule's sorts and hashes until the transaction ends (it groups
    ~300,000 hit-years at the large size: on disk at the default 4 MB, about half as fast).
    One query; the other rules need no more than the default."""
    bulk_settings_for_transaction(work_mem=REPORT_WORK_MEM)


def stored_rule_rows(rule: str, country_ids: Iterable[int] | None = None, *, limit: int | None = None) -> list[dict]:
    """The stored findings of ``rule`` in scope (None: everywhere), as ``rule_rows`` gives
    them for today, from the table the last build wrote (the caller makes it current:
    ``evaluations.services.coordination_findings.findings_current``); one indexed query."""
    stored = CoordinationFinding.objects.filter(rule=rule)
    if country_ids is not None:
        stored = stored.filter(country_id__in=_scope(country_ids))
    elif limit is not None:  # the first findings' numbers, from the (rule, finding) index
        first = stored.values("finding").distinct().order_by("finding")[:limit]
        stored = stored.filter(finding__in=first)
    stored = stored.values_list("finding", "data").order_by("finding")
    if rule in SCOPED_BY_PROGRAM:  # a finding is stored once per country of its program
        stored = stored.distinct()
    if limit is not None:
        stored = stored[:limit]
    return [data for _, data in stored]


def stored_rule_counts(country_ids: Iterable[int] | None = None) -> dict[str, int]:
    """How many stored findings each rule has in scope (None: everywhere), every rule of
    ``RULES`` a key; one indexed query (see ``stored_rule_rows``): distinct numbers, as a
    finding of a program in several countries is stored once per country."""
    stored = CoordinationFinding.objects.all()
    if country_ids is not None:
        stored = stored.filter(country_id__in=_scope(country_ids))
    counts = dict(stored.values_list("rule").annotate(n=Count("finding", distinct=True)).order_by())
    return {rule: counts.get(rule, 0) for rule in RULES}

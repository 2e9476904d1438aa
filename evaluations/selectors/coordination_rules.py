"""The coordination rules (DESIGN.md section 3; vetting: section 2), each defined once in
SQL. The findings lists (:mod:`evaluations.selectors.coordination`, the coordination page
and the API) and the dashboards' flag counts and flag lists (:mod:`dashboards.selectors.flags`)
both read these relations, as stored for today by
:mod:`evaluations.services.coordination_findings` (computed once for the whole portfolio,
read per scope: ``stored_rule_rows``, ``stored_rule_counts``), so a count always equals
the length of its list; ``rule_rows`` computes a rule for another day.

Each rule is a relation with one row per finding, optionally limited to the programs
(or objectives) of some countries; its last column, ``program_ids``, lists the programs
the finding names (stored apart from the finding's data):

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

from infrastructure.sorting import NAME_COLLATION_SQL
from infrastructure.sql import (
    REPORT_WORK_MEM,
    bulk_settings_for_transaction,
    ids_in,
    int_array,
    int_array_agg,
    string_agg,
    string_agg_distinct,
)
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


def _fiscal_years() -> list[int]:
    """Every fiscal year a running program serves, first to last (the overlap rule's
    columns; none without running programs). One query."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(p.start_fy), MAX(p.end_fy) FROM programs_program p WHERE {RUNNING_PROGRAM}")
        first, last = cursor.fetchone()
    return [] if first is None else list(range(int(first), int(last) + 1))


def _overlap(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: country_id, country_name, iso3, on_kind ('goal' | 'institution'), on_id,
    on_name (goal code or institution name), agencies ("DOD, DOS"), programs
    ("12:KEN-001 (DOS), 15:KEN-007 (DOD)": id:code (agency) of each program of the group
    whose years meet the span of overlapping years, first_fy to last_fy), first_fy,
    last_fy, program_ids (those programs' ids). One query to build (the fiscal years).

    A group is a country and a goal, or a partner institution; its hits are the running
    programs serving it. Which country scopes a hit: a goal (a strategic goal, the same
    everywhere) counts under every country of the program; a partner institution under its
    own country only, as the vetting rule does (a partner unit belongs to one country: two
    programs serving Kenya and Mozambique and the Mozambique Customs Authority overlap in
    Mozambique, not in Kenya). The pure reference, held equal by a test:
    :mod:`evaluations.computations.overlap`.

    Set-based in one sort: the hits are sorted once by group, for a window that gives each
    hit its group's lowest and highest lead agency serving in each fiscal year (one pair
    of columns per year of ``_fiscal_years``, the same aggregate pass for all: "two or more
    lead agencies" is ``MIN(agency) < MAX(agency)``); the first and last years where they
    differ are the group's span, and the hits meeting it are grouped, in the same order,
    into the finding (no second sort of the hits, no join back; the lead agency's code is
    joined per program, before the hits). At the large size: 54,000 hits, 8 fiscal years,
    6,300 findings (``docs/performance.md``)."""
    years = _fiscal_years()
    by_program, program_params = ids_condition("pc.country_id", ids)
    by_institution, institution_params = ids_condition("i.country_id", ids)
    in_scope, scope_params = "", []
    if ids is not None:  # the programs in those countries or serving their institutions
        in_scope = f""" AND p.id IN (SELECT pc.program_id FROM programs_program_countries pc WHERE 1 = 1{by_program}
            UNION SELECT ppi.program_id FROM programs_program_partner_institutions ppi
                  JOIN programs_partnerinstitution i ON i.id = ppi.partnerinstitution_id WHERE 1 = 1{by_institution})"""
        scope_params = [*program_params, *institution_params]
    serving = "h.start_fy <= %s AND h.end_fy >= %s"
    agencies_by_year = "".join(
        f", MIN(CASE WHEN {serving} THEN h.lead_agency_id END) OVER by_group AS low_{n}"
        f", MAX(CASE WHEN {serving} THEN h.lead_agency_id END) OVER by_group AS high_{n}" for n in range(len(years)))
    met = [f"WHEN y.low_{n} < y.high_{n} THEN %s" for n in range(len(years))]
    none = "CAST(NULL AS integer)"  # no running program: no span, no finding
    first_fy, last_fy = (f"CASE {' '.join(met)} END", f"CASE {' '.join(reversed(met))} END") if years else (none, none)
    label = "CAST(s.program_id AS varchar(20)) || ':' || s.code || ' (' || s.agency || ')'"
    # Names are looked up per finding after grouping (by primary key).
    return f"""
        WITH rp AS MATERIALIZED (
            SELECT p.id, p.code, p.lead_agency_id, a.code AS agency,
                   CAST(p.start_fy AS integer) AS start_fy, CAST(p.end_fy AS integer) AS end_fy
            FROM programs_program p JOIN programs_agency a ON a.id = p.lead_agency_id
            WHERE {RUNNING_PROGRAM}{in_scope}
        ), hits AS (
            SELECT pc.country_id, 'goal' AS on_kind, g.goal_id AS on_id, rp.start_fy, rp.end_fy,
                   rp.lead_agency_id, rp.agency, rp.id AS program_id, rp.code
            FROM rp JOIN programs_program_countries pc ON pc.program_id = rp.id
            JOIN programs_program_goals g ON g.program_id = rp.id
            WHERE 1 = 1{by_program}
            UNION ALL
            SELECT i.country_id, 'institution', i.id, rp.start_fy, rp.end_fy,
                   rp.lead_agency_id, rp.agency, rp.id, rp.code
            FROM rp JOIN programs_program_partner_institutions ppi ON ppi.program_id = rp.id
            JOIN programs_partnerinstitution i ON i.id = ppi.partnerinstitution_id
            WHERE 1 = 1{by_institution}
        ), spans AS (
            SELECT y.country_id, y.on_kind, y.on_id, y.start_fy, y.end_fy, y.agency, y.program_id, y.code,
                   {first_fy} AS first_fy, {last_fy} AS last_fy
            FROM (SELECT h.*{agencies_by_year} FROM hits h
                  WINDOW by_group AS (PARTITION BY h.country_id, h.on_kind, h.on_id)) AS y
        )
        SELECT d.country_id, c.name AS country_name, c.iso3, d.on_kind, d.on_id,
               CASE WHEN d.on_kind = 'goal' THEN go.code ELSE inst.name END AS on_name,
               d.agencies, d.programs, d.first_fy, d.last_fy, d.program_ids
        FROM (
            SELECT s.country_id, s.on_kind, s.on_id, MIN(s.first_fy) AS first_fy, MIN(s.last_fy) AS last_fy,
                   {string_agg_distinct("s.agency")} AS agencies, {string_agg(label)} AS programs,
                   {int_array_agg("s.program_id")} AS program_ids
            FROM spans s
            WHERE s.start_fy <= s.last_fy AND s.end_fy >= s.first_fy
            GROUP BY s.country_id, s.on_kind, s.on_id
        ) AS d
        JOIN programs_country c ON c.id = d.country_id
        LEFT JOIN programs_goal go ON d.on_kind = 'goal' AND go.id = d.on_id
        LEFT JOIN programs_partnerinstitution inst ON d.on_kind = 'institution' AND inst.id = d.on_id
    """, [*scope_params, *program_params, *institution_params, *years, *reversed(years),
          *(fy for fy in years for _ in range(4))]


def _donor_overlap(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: country_id, country_name, iso3, donor_id, donor_name, dac_code, sector_name,
    program_id, program_code, engagement_id, start_fy, end_fy (the engagement's years),
    program_ids."""
    where, params = ids_condition("e.country_id", ids)
    return f"""
        SELECT c.id AS country_id, c.name AS country_name, c.iso3, d.id AS donor_id, d.name AS donor_name,
               s.dac_code, s.name AS sector_name, p.id AS program_id, p.code AS program_code,
               e.id AS engagement_id, e.start_fy, e.end_fy, {int_array("p.id")} AS program_ids
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
    objective_id, objective_code, objective_description, program_ids (none: no program
    serves the objective)."""
    where, params = ids_condition("st.country_id", ids)
    return f"""
        SELECT c.id AS country_id, c.name AS country_name, c.iso3, c.priority_tier AS tier,
               st.id AS strategy_id, st.title AS strategy_title, o.id AS objective_id,
               o.code AS objective_code, o.description AS objective_description, {int_array()} AS program_ids
        FROM programs_objective o
        JOIN programs_strategy st ON st.id = o.strategy_id AND st.scope = 'country' AND st.archived_at IS NULL
        JOIN programs_country c ON c.id = st.country_id AND c.priority_tier IN (1, 2)
        WHERE o.archived_at IS NULL{where} AND NOT EXISTS (
            SELECT 1 FROM programs_program_objectives po JOIN programs_program p ON p.id = po.program_id
            WHERE po.objective_id = o.id AND {RUNNING_PROGRAM})
    """, params


def _surge(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: program_id, program_code, program_title, long_term_objective_id,
    no_plan (boolean), country_names, iso3s (both joined with ", "), program_ids."""
    scope, params = programs_in_countries(ids)
    return f"""
        SELECT p.id AS program_id, p.code AS program_code, p.title AS program_title,
               p.long_term_objective_id, (TRIM(p.sustainment_plan) = '') AS no_plan,
               (SELECT {string_agg("c.name")} FROM programs_program_countries pc2
                  JOIN programs_country c ON c.id = pc2.country_id WHERE pc2.program_id = p.id) AS country_names,
               (SELECT {string_agg("c.iso3")} FROM programs_program_countries pc2
                  JOIN programs_country c ON c.id = pc2.country_id WHERE pc2.program_id = p.id) AS iso3s,
               {int_array("p.id")} AS program_ids
        FROM programs_program p
        WHERE {RUNNING_PROGRAM} AND p.is_surge
          AND (p.long_term_objective_id IS NULL OR TRIM(p.sustainment_plan) = ''){scope}
    """, params


def _vetting(ids: list[int] | None, today: dt.date) -> Statement:
    """Columns: country_id, country_name, iso3 (the institution's country), program_id,
    program_code, program_title, institution_id, institution_name, latest
    ("status:expires_on" of the latest vetting request, or NULL when never vetted),
    program_ids. Each institution's latest request is taken from one pass over the
    vettings (numbered per institution), not looked up per finding.

    A finding counts under the institution's own country only: a regional program's
    institution in Kenya is not Ghana's to vet, though the program serves Ghana too. The
    pure reference, held equal by a test: :mod:`evaluations.computations.vetting`."""
    where, params = ids_condition("i.country_id", ids)
    return f"""
        SELECT c.id AS country_id, c.name AS country_name, c.iso3,
               p.id AS program_id, p.code AS program_code, p.title AS program_title,
               i.id AS institution_id, i.name AS institution_name, lv.latest, {int_array("p.id")} AS program_ids
        FROM programs_program_partner_institutions ppi
        JOIN programs_program p ON p.id = ppi.program_id
        JOIN programs_partnerinstitution i ON i.id = ppi.partnerinstitution_id
        JOIN programs_country c ON c.id = i.country_id
        LEFT JOIN (
            SELECT v.institution_id, v.status || ':' || COALESCE(CAST(v.expires_on AS varchar(10)), '') AS latest,
                   ROW_NUMBER() OVER (PARTITION BY v.institution_id ORDER BY v.requested_on DESC, v.id DESC) AS n
            FROM programs_vetting v
        ) AS lv ON lv.institution_id = i.id AND lv.n = 1
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
_COUNTRY = f"country_name COLLATE {NAME_COLLATION_SQL}"  # as the pages list countries (infrastructure.sorting)
ORDER_BY = {
    "overlap": f"{_COUNTRY}, on_kind, on_name, on_id",
    "donor_overlap": f"{_COUNTRY}, dac_code, donor_name, program_code, program_id, engagement_id",
    "gap": f"tier, {_COUNTRY}, strategy_title, objective_code, objective_id",
    "surge": "program_code, program_id",
    "vetting": f"{_COUNTRY}, program_code, institution_name, program_id, institution_id",
}


# Each rule's columns (its SELECT list, in order, then ``program_ids``; a test holds them
# equal to the SQL's), stored as a finding's ``data`` by
# ``evaluations.services.coordination_findings``; ``program_ids`` (the programs a finding
# names) is stored in a column of its own, by which a rebuild finds a program's findings.
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
# stored number is its block's place among the countries (by name, as ``_COUNTRY``) times BLOCK_SIZE plus
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
    columns (``COLUMNS``), in the rule's order, at most ``limit``; one query (two for the
    overlap rule: its fiscal years)."""
    sql, params = RULES[rule](_scope(country_ids), today)
    columns = ", ".join(f"found.{name}" for name in COLUMNS[rule])
    statement = f"SELECT {columns} FROM ({sql}) AS found ORDER BY {ORDER_BY[rule]}"
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

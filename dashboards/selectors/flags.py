"""Open flags a manager acts on, counted (a fixed number of queries for every kind) and
listed (one query per list) in the database.

Overlaps, gaps, surge without a long-term link and vetting are the coordination rules of
:mod:`evaluations.selectors.coordination_rules`, read here as they are by the
coordination findings (a count here equals the length of that check's list; the
dashboard does not hide acknowledged findings: it shows where agencies meet), from the
findings stored once for the whole portfolio (``evaluations.services.coordination_findings``):
a scope's counts and list are indexed reads, never the rules computed again. The other
kinds are this module's:

- stale assessment: a country whose current selectivity score is flagged stale (its
  approved assessment is older than 18 months);
- overdue recommendation: an evaluation recommendation not closed (implemented or not
  accepted) whose due date has passed, of a program not archived;
- open crisis: a crisis event with no closing date.

Standard SQL that runs on PostgreSQL (production, tests) and on SQLite (the embedded
set-up of `make start`); ids, dates and limits are ``%s`` parameters.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from evaluations.models import CLOSED_FOLLOW_UP
from evaluations.selectors.coordination import programs_in_summary, surge_missing
from evaluations.selectors.coordination_rules import (
    ids_condition,
    programs_in_countries,
    stored_rule_counts,
    stored_rule_rows,
)
from evaluations.services.coordination_findings import findings_current
from infrastructure.sql import sql_literal_list
from programs.models.oversight import VettingStatus
from infrastructure.sorting import NAME_COLLATION_SQL

CLOSED_FOLLOW_UP_SQL = sql_literal_list(CLOSED_FOLLOW_UP)

LIST_LIMIT = 300


@dataclass(frozen=True)
class FlagKind:
    """A kind of flag: its key, label and description (what it counts)."""

    key: str
    label: str
    description: str


KINDS = {
    kind.key: kind
    for kind in [
        FlagKind("overlaps", "Overlaps", "Running programs of different agencies serving the same goal or partner "
                 "institution in one country in a common fiscal year."),
        FlagKind("gaps", "Gaps", "Objectives of tier 1-2 countries' strategies with no running program."),
        FlagKind("surge", "Surge without long-term link", "Running surge programs with no long-term objective "
                 "or no sustainment plan."),
        FlagKind("vetting", "Vetting", "Running programs serving a partner unit without current approved "
                 "(Leahy) vetting."),
        FlagKind("stale", "Stale assessments", "Countries whose current selectivity score rests on an approved "
                 "assessment older than 18 months."),
        FlagKind("overdue", "Overdue recommendations", "Evaluation recommendations not closed whose due date "
                 "has passed."),
        FlagKind("crises", "Open crises", "Crisis events not yet closed (their programs are under review)."),
    ]
}


# The dashboard's flag kinds that are coordination rules, defined once in evaluations.
COORDINATION_RULES = {"overlaps": "overlap", "gaps": "gap", "surge": "surge", "vetting": "vetting"}


def _coordination_rows(kind: str, ids: list[int] | None) -> list[tuple]:
    """The rule's stored findings (made current first) as the dashboard table's raw row
    tuples."""
    findings_current()
    rows = stored_rule_rows(COORDINATION_RULES[kind], ids, limit=LIST_LIMIT)
    if kind == "overlaps":
        return [(r["country_name"], r["iso3"], f"Goal {r['on_name']}" if r["on_kind"] == "goal" else r["on_name"],
                 r["agencies"], ", ".join(label.split(" (")[0] for _, label in programs_in_summary(r["programs"])),
                 r["first_fy"]) for r in rows]
    if kind == "gaps":
        return [(r["country_name"], r["iso3"], r["tier"], r["strategy_title"],
                 f"{r['objective_code']} {r['objective_description']}") for r in rows]
    if kind == "surge":
        return [(r["program_id"], f"{r['program_code']} {r['program_title']}", r["iso3s"],
                 ", ".join(surge_missing(r["long_term_objective_id"], r["no_plan"]))) for r in rows]
    return [(r["program_id"], f"{r['program_code']} {r['program_title']}", r["institution_name"], r["country_name"],
             r["iso3"], _vetting_label(r["latest"])) for r in rows]


def _vetting_label(latest: str | None) -> str:
    """The latest vetting's status ("approved:2026-01-31" as the finding stores it) as its
    label, "No vetting recorded" when there is none (as the program page says)."""
    code = (latest or "").split(":")[0]
    return VettingStatus(code).label if code in VettingStatus.values else "No vetting recorded"


def _stale(ids: list[int] | None, today: dt.date) -> tuple[str, str, list]:
    where, params = ids_condition("s.country_id", ids)
    return "c.name, c.iso3, s.assessment_date, s.computed_at", f"""
        FROM assessments_selectivityscore s JOIN programs_country c ON c.id = s.country_id
        WHERE s.id IN (SELECT MAX(x.id) FROM assessments_selectivityscore x GROUP BY x.country_id)
          AND s.flag_stale_assessment{where} ORDER BY c.name COLLATE {NAME_COLLATION_SQL}""", params


def _overdue(ids: list[int] | None, today: dt.date) -> tuple[str, str, list]:
    scope, params = programs_in_countries(ids)
    return "p.id, p.code || ' ' || p.title, r.text, r.owner, r.due_on, r.follow_up_status", f"""
        FROM evaluations_recommendation r
        JOIN evaluations_evaluation e ON e.id = r.evaluation_id
        JOIN programs_program p ON p.id = e.program_id
        WHERE r.follow_up_status NOT IN {CLOSED_FOLLOW_UP_SQL} AND r.due_on < %s AND p.archived_at IS NULL{scope}
        ORDER BY r.due_on, r.id""", [today, *params]


def _crises(ids: list[int] | None, today: dt.date) -> tuple[str, str, list]:
    where, params = ids_condition("e.country_id", ids)
    return "c.name, c.iso3, e.title, e.occurred_on", f"""
        FROM programs_crisisevent e JOIN programs_country c ON c.id = e.country_id
        WHERE e.closed_on IS NULL{where} ORDER BY e.occurred_on DESC""", params


# The other kinds: (columns of a row, FROM ... ORDER BY, parameters).
OTHER_KINDS = {"stale": _stale, "overdue": _overdue, "crises": _crises}


def flag_counts(country_ids: Iterable[int] | None = None) -> dict[str, int]:
    """Count of every flag kind in scope (None: the whole portfolio), as of today: the
    coordination rules' from their stored findings (made current first: one query when
    they are), the other kinds in one query; three queries in all."""
    ids = None if country_ids is None else [int(i) for i in country_ids]
    today = timezone.localdate()
    findings_current()
    stored = stored_rule_counts(ids)
    selects, params = [], []
    for key in OTHER_KINDS:
        _, frm, sql_params = OTHER_KINDS[key](ids, today)
        selects.append(f"(SELECT COUNT(*) FROM (SELECT 1 {frm}) AS flagged) AS {key}")
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        others = dict(zip(OTHER_KINDS, (int(v) for v in cursor.fetchone())))
    return {key: stored[COORDINATION_RULES[key]] if key in COORDINATION_RULES else others[key] for key in KINDS}


def flag_rows(kind: str, country_ids: Iterable[int] | None = None) -> list[tuple]:
    """The flagged items of ``kind`` in scope as of today (at most LIST_LIMIT), raw tuples
    in the order of the kind's columns (with ids / ISO codes for links first)."""
    ids = None if country_ids is None else [int(i) for i in country_ids]
    if kind in COORDINATION_RULES:
        return _coordination_rows(kind, ids)
    columns, frm, params = OTHER_KINDS[kind](ids, timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} {frm} LIMIT %s", [*params, LIST_LIMIT])
        return cursor.fetchall()


@dataclass(frozen=True)
class FlagList:
    """A flag list as stored: the first LIST_LIMIT rows (``flag_rows``' tuples), how many
    are flagged in all, and when they were computed."""

    kind: str
    rows: list[list]
    total: int
    computed_at: dt.datetime | None


def flag_list(kind: str, country_ids: list[int] | None, *, scope: str = "portfolio") -> FlagList:
    """The flagged items of ``kind`` in ``scope`` ("portfolio", "region:<id>",
    "country:<id>", naming the stored figures of ``country_ids``), stored like the other
    figures (``snapshots``)."""
    from . import snapshots

    stored, computed_at = snapshots.figures(f"flags:{scope}", {
        kind: lambda: [list(row) for row in flag_rows(kind, country_ids)],
        f"{kind}_count": lambda: flag_counts(country_ids)[kind]})
    return FlagList(kind=kind, rows=stored[kind], total=stored[f"{kind}_count"], computed_at=computed_at)

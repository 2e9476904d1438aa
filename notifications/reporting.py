"""Reporting deadlines: which periods of which MOEs are due or overdue for values.

A period of an MOE needs a value once it has ended; the value is *due* until the
period's end plus the grace period of :class:`ReportingPolicy` and *overdue* after.
A period counts as reported once its value has been submitted: it is then submitted,
approved or returned (a draft is still owed). A returned value met the deadline: the
manager's request for a correction is its own work item (the analyst's "Values returned to
me", with the reason), not late reporting, so it is never counted as due or overdue. Periods follow the MOE's frequency (quarters, halves,
years; a life-of-program MOE reports once, for its program's last fiscal year) within
the program's fiscal years; only running programs (not archived) and MOEs not archived
owe values.

Two faces of one rule (STYLE.md rule 4): :func:`periods_owed` is the small pure
reference for one MOE, :func:`reporting_rows` the set-based SQL over an agency's
programs; tests hold them equal on generated data.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from infrastructure.sql import sql_literal_list
from programs.fiscal import Period, current_fiscal_year
from programs.models import Frequency, MeasurementStatus
from programs.selectors.sql import RUNNING_SQL

# A value in one of these states has been submitted: its period is reported (the one definition).
REPORTED = (MeasurementStatus.SUBMITTED, MeasurementStatus.APPROVED, MeasurementStatus.RETURNED)
DUE, OVERDUE = "due", "overdue"

_KIND = {Frequency.QUARTERLY: "Q", Frequency.SEMI_ANNUAL: "H", Frequency.ANNUAL: "Y", Frequency.LIFE_OF_PROGRAM: "Y"}


@dataclass(frozen=True)
class PeriodOwed:
    """One MOE's value owed for one period: its deadline (period end + grace) and state."""

    moe_id: int
    period: str
    period_end: dt.date
    deadline: dt.date
    state: str  # DUE or OVERDUE


def deadline_state(period_end: dt.date, *, today: dt.date, grace_days: int) -> str | None:
    """DUE (ended, deadline not passed), OVERDUE (deadline passed) or None (not ended)."""
    if period_end >= today:
        return None
    return DUE if today <= period_end + dt.timedelta(days=grace_days) else OVERDUE


def _periods_of(frequency: str, fiscal_year: int, end_fy: int) -> list[Period]:
    kind = _KIND.get(frequency, "Q")
    if frequency == Frequency.LIFE_OF_PROGRAM:
        return [Period(fiscal_year)] if fiscal_year == end_fy else []
    if kind == "Q":
        return [Period(fiscal_year, "Q", n) for n in (1, 2, 3, 4)]
    if kind == "H":
        return [Period(fiscal_year, "H", n) for n in (1, 2)]
    return [Period(fiscal_year)]


def periods_owed(
    *, moe_id: int, frequency: str, start_fy: int, end_fy: int, reported: Iterable[str],
    today: dt.date, grace_days: int,
) -> list[PeriodOwed]:
    """Reference: the ended periods of one MOE without a value in a REPORTED state
    (``reported``: their codes), oldest first. No query."""
    reported = set(reported)
    owed = []
    for fy in range(start_fy, min(end_fy, current_fiscal_year(today)) + 1):
        for period in _periods_of(frequency, fy, end_fy):
            state = deadline_state(period.end, today=today, grace_days=grace_days)
            if state and period.code not in reported:
                owed.append(PeriodOwed(moe_id, period.code, period.end, period.end + dt.timedelta(days=grace_days), state))
    return owed


def _candidate_periods(first_fy: int, today: dt.date) -> list[Period]:
    """Every period (any kind) of fiscal years ``first_fy``..today's that has ended."""
    periods = []
    for fy in range(first_fy, current_fiscal_year(today) + 1):
        for kind, numbers in (("Q", (1, 2, 3, 4)), ("H", (1, 2)), ("Y", (0,))):
            periods += [p for p in (Period(fy, kind, n) for n in numbers) if p.end < today]
    return periods


_REPORTED_SQL = sql_literal_list(REPORTED)

REPORTING_SQL = """
    WITH periods(kind, fy, code, period_end) AS (VALUES {values})
    SELECT m.id AS moe_id, per.code, per.period_end, p.id AS program_id, p.code AS program_code, m.name,
           p.lead_agency_id
    FROM programs_measureofeffectiveness m
    JOIN programs_program p ON p.id = m.program_id
    JOIN periods per
      ON per.kind = CASE m.frequency WHEN 'quarterly' THEN 'Q' WHEN 'semi_annual' THEN 'H' ELSE 'Y' END
     AND per.fy BETWEEN p.start_fy AND p.end_fy
     AND (m.frequency <> 'life_of_program' OR per.fy = p.end_fy)
    WHERE p.archived_at IS NULL AND p.status IN {running} AND m.archived_at IS NULL
      AND {scope}
      AND NOT EXISTS (SELECT 1 FROM programs_measurement x
                      WHERE x.moe_id = m.id AND x.period = per.code AND x.status IN {reported})
"""


@dataclass(frozen=True)
class ReportingRow(PeriodOwed):
    program_id: int = 0
    program_code: str = ""
    moe_name: str = ""
    agency_id: int = 0


def _statement(agency_id: int | None, today: dt.date, first_fy: int | None) -> tuple[str, list] | None:
    """REPORTING_SQL with its parameters for an agency (None: all), or None when no
    period can be owed."""
    if first_fy is None:
        from programs.models import Program

        first_fy = Program.objects.filter(archived_at__isnull=True).order_by("start_fy").values_list("start_fy", flat=True).first()
        if first_fy is None:
            return None
    periods = _candidate_periods(first_fy, today)
    if not periods:
        return None
    values = ", ".join(["(%s, %s, %s, %s)"] * len(periods))
    params: list = [x for p in periods for x in (p.kind, p.fiscal_year, p.code, p.end)]
    scope = "TRUE" if agency_id is None else "p.lead_agency_id = %s"
    if agency_id is not None:
        params.append(int(agency_id))
    sql = REPORTING_SQL.format(values=values, running=RUNNING_SQL, scope=scope, reported=_REPORTED_SQL)
    if connection.vendor == "postgresql":
        # VALUES of parameters are text to PostgreSQL: type the first row's columns.
        sql = sql.replace("VALUES (%s, %s, %s, %s)", "VALUES (%s, %s::integer, %s, %s::date)", 1)
    return sql, params


def _row(raw, grace_days: int, today: dt.date) -> "ReportingRow":
    moe_id, code, end, program_id, program_code, moe_name, agency_id = raw[:7]
    end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end))
    return ReportingRow(moe_id, code, end, end + dt.timedelta(days=grace_days),
                        deadline_state(end, today=today, grace_days=grace_days), program_id, program_code, moe_name, agency_id)


def reporting_rows(*, agency_id: int | None, today: dt.date, grace_days: int, first_fy: int | None = None) -> list[ReportingRow]:
    """Set-based: every value owed by the running programs led by ``agency_id`` (None:
    every agency), oldest period first, in one query. ``first_fy`` (default: the
    earliest start of a running program) bounds the periods considered."""
    statement = _statement(agency_id, today, first_fy)
    if statement is None:
        return []
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({sql}) AS owed ORDER BY owed.period_end, owed.program_code, owed.moe_id", params)
        return [_row(raw, grace_days, today) for raw in cursor.fetchall()]


def reporting_head(
    *, agency_id: int, today: dt.date, grace_days: int, limit: int, offset: int = 0,
) -> tuple[int, int, list[ReportingRow]]:
    """How many values ``agency_id``'s programs owe, how many of them are overdue, and
    ``limit`` of them from the ``offset``-th oldest (overdue first: the oldest deadlines),
    without reading every row: the same statement as :func:`reporting_rows`, counted by
    window functions. An ``offset`` past the last row gives (0, 0, [])."""
    statement = _statement(agency_id, today, None)
    if statement is None:
        return 0, 0, []
    sql, params = statement
    cutoff = today - dt.timedelta(days=grace_days)  # a period that ended before this is overdue
    wrapped = (f"SELECT owed.*, COUNT(*) OVER (), SUM(CASE WHEN owed.period_end < %s THEN 1 ELSE 0 END) OVER () "
               f"FROM ({sql}) AS owed ORDER BY owed.period_end, owed.program_code, owed.moe_id LIMIT %s OFFSET %s")
    with connection.cursor() as cursor:
        cursor.execute(wrapped, [cutoff, *params, int(limit), int(offset)])
        rows = cursor.fetchall()
    if not rows:
        return 0, 0, []
    return int(rows[0][7]), int(rows[0][8] or 0), [_row(raw, grace_days, today) for raw in rows]

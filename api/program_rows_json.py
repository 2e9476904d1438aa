"""The program representation written as JSON text by PostgreSQL: the set-based face of
:func:`api.program_rows.program_rows` for the list endpoint's pages.

Why: a 1,000-program page is ~1.5 MB of JSON built from ~12,000 rows; building it as
Python dicts (money and timestamps formatted one by one, then encoded) cost four times the
bare read of the rows. Here one statement returns the page's ``results`` array as compact
UTF-8 text, and the renderer embeds it as it is (``orjson.Fragment``).

The text is byte for byte what :class:`api.json_renderer.FastJSONRenderer` writes for
``program_rows(...)`` (``tests/api/test_fast_json.py`` holds the two equal): keys in the
serializer's order, no spaces, money as decimal strings with two places, timestamps in
UTC as DRF writes them (``2026-11-30T12:00:00.123456Z``, no fraction when it is zero),
related lists in the order ``program_rows`` gives them (``api.program_rows.RELATED``).
Strings go through PostgreSQL's ``to_json``, which escapes what Python's encoder escapes
(quote, backslash, control characters); U+2028 / U+2029 are escaped by the renderer.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from programs.models import Agency, Funding, Program

from .program_rows import RELATED


def _string(expression: str) -> str:
    return f"to_json({expression})::text"


def _nullable(expression: str) -> str:
    return f"COALESCE(({expression})::text, 'null')"


def _boolean(expression: str) -> str:
    return f"(CASE WHEN {expression} THEN 'true' ELSE 'false' END)"


def _timestamp(expression: str) -> str:
    """ISO 8601 in UTC with a 'Z' and microseconds only when not zero, as
    ``datetime.isoformat`` writes it. From ``to_json`` of the UTC time, which is ISO 8601
    whatever the session's DateStyle (``"YYYY-MM-DDTHH:MM:SS"``, the fraction with trailing
    zeros trimmed), padded back to six digits (``to_char`` costs ten times as much)."""
    text = f"to_json({expression} AT TIME ZONE 'UTC')::text"
    return (
        f"COALESCE(CASE WHEN length({text}) = 21 THEN left({text}, 20) "
        f"ELSE rpad(left({text}, -1), 27, '0') END || 'Z\"', 'null')"
    )


def _money(expression: str) -> str:
    """USD to the cent as a JSON string (the column's scale is 2; the cast keeps sums at 2)."""
    return f"('\"' || CAST({expression} AS numeric(20, 2))::text || '\"')"


def _object(fields: Sequence[tuple[str, str]]) -> str:
    """An SQL expression writing ``{"key":value,...}`` from (key, SQL text expression), as
    one ``concat`` (a chain of ``||`` copies the growing text at every step)."""
    pieces = []
    for number, (key, expression) in enumerate(fields):
        pieces.append("'" + ("{" if number == 0 else ",") + f'"{key}":' + "'")
        pieces.append(expression)
    pieces.append("'}'")
    return f"concat({', '.join(pieces)})"


def _related_list(relation: str, target: str, code: str, order: str) -> str:
    """One many-to-many list of program ``p`` as a JSON array, in ``program_rows``' order
    (sort column, code, id): a correlated subquery, read through the through table's
    (program, related) index."""
    through = Program._meta.get_field(relation).remote_field.through
    related = through._meta.get_field(target).related_model._meta.db_table
    key = f"t.{target}_id"
    if code:
        item = _object([("id", f"{key}::text"), (code, _string(f"r.{code}"))])
        join = f"JOIN {related} r ON r.id = {key} "
    else:
        item, join = f"{key}::text", ""
    order_by = ", ".join(part for part in (f"r.{order}" if order else "", f"r.{code}" if code else "", key) if part)
    return (
        f"('[' || array_to_string(ARRAY(SELECT {item} FROM {through._meta.db_table} t {join}"
        f"WHERE t.program_id = p.id ORDER BY {order_by}), ',') || ']')"
    )


FUNDING_ITEM = _object([
    ("fiscal_year", "f.fiscal_year::text"),
    ("planned", _money("f.planned")),
    ("obligated", _money("f.obligated")),
    ("disbursed", _money("f.disbursed")),
    ("version", "f.version::text"),
])

PROGRAM_OBJECT = _object([
    ("id", "p.id::text"),
    ("code", _string("p.code")),
    ("title", _string("p.title")),
    ("description", _string("p.description")),
    ("lead_agency", "p.lead_agency_id::text"),
    ("lead_agency_code", _string("a.code")),
    *((relation, _related_list(relation, *rest)) for relation, *rest in RELATED),
    ("purpose", _string("p.purpose")),
    ("funding_authority", _string("p.funding_authority")),
    ("start_fy", "p.start_fy::text"),
    ("end_fy", "p.end_fy::text"),
    ("status", _string("p.status")),
    ("status_changed_at", _timestamp("p.status_changed_at")),
    ("is_surge", _boolean("p.is_surge")),
    ("long_term_objective", _nullable("p.long_term_objective_id")),
    ("sustainment_plan", _string("p.sustainment_plan")),
    ("total_planned", _money("COALESCE(fund.planned, 0)")),
    ("total_obligated", _money("COALESCE(fund.obligated, 0)")),
    ("total_disbursed", _money("COALESCE(fund.disbursed, 0)")),
    ("funding", "('[' || COALESCE(fund.items, '') || ']')"),
    ("version", "p.version::text"),
    ("archived_at", _timestamp("p.archived_at")),
    ("created_at", _timestamp("p.created_at")),
    ("updated_at", _timestamp("p.updated_at")),
])

PAGE_SQL = f"""
SELECT '[' || COALESCE(string_agg({PROGRAM_OBJECT}, ',' ORDER BY page.ord), '') || ']'
FROM unnest(%s::bigint[]) WITH ORDINALITY AS page(id, ord)
JOIN {Program._meta.db_table} p ON p.id = page.id AND p.id = ANY(%s::bigint[])
JOIN {Agency._meta.db_table} a ON a.id = p.lead_agency_id
CROSS JOIN LATERAL (
    SELECT SUM(f.planned) AS planned, SUM(f.obligated) AS obligated, SUM(f.disbursed) AS disbursed,
           string_agg({FUNDING_ITEM}, ',' ORDER BY f.fiscal_year) AS items
    FROM {Funding._meta.db_table} f WHERE f.program_id = p.id
) fund
"""


def program_rows_json(ids: Sequence[int]) -> str:
    """The JSON array of the representations of the programs ``ids``, in that order
    (compact UTF-8 text; ``[]`` for none). One query, whatever their number. PostgreSQL
    only (elsewhere, render ``program_rows``); no query for no ids."""
    if not ids:
        return "[]"
    if connection.vendor != "postgresql":
        raise NotImplementedError("program_rows_json needs PostgreSQL; render api.program_rows elsewhere.")
    with connection.cursor() as cursor:
        ids = list(ids)
        cursor.execute(PAGE_SQL, [ids, ids])
        return cursor.fetchone()[0]

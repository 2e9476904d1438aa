"""The program representation written as JSON text by PostgreSQL: the set-based face of
:func:`api.program_rows.program_rows` for the list endpoint's pages.

Why: a 1,000-program page is ~1.5 MB of JSON built from ~12,000 rows; building it as
Python dicts (money and timestamps formatted one by one, then encoded) cost four times the
bare read of the rows, and building it in PostgreSQL on every request still more than
twice. Here :data:`PROGRAM_REPRESENTATIONS` writes each program's text, kept per program
by :mod:`api.program_representations` whenever its inputs change, and one statement
returns a page's count and its ``results`` array (the stored texts joined) as compact
UTF-8 text, which the renderer embeds as it is (``orjson.Fragment``).

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

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from programs.models import Agency, Funding, Program

from .models import ProgramRepresentation
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


def _through(relation: str) -> str:
    return Program._meta.get_field(relation).remote_field.through._meta.db_table


def _id_list(relation: str, target: str) -> str:
    """A many-to-many list of ids of program ``p`` as a JSON array, in id order: a
    correlated subquery, read in order from the through table's (program, related) index
    (no sort, no join; cheaper than grouping the page's rows)."""
    key = f"t.{target}_id"
    return (
        f"('[' || array_to_string(ARRAY(SELECT {key}::text FROM {_through(relation)} t "
        f"WHERE t.program_id = p.id ORDER BY {key}), ',') || ']')"
    )


def _coded_lists(relation: str, target: str, code: str, order: str) -> str:
    """A many-to-many list with codes (``[{"id":..,"<code>":..},...]``) for every program
    of the page, as the CTE ``listed_<relation>(program_id, items)`` (items in
    ``program_rows``' order: sort column, code, id): the page's rows joined to the related
    table once and grouped; a correlated subquery per program costs a quarter more."""
    related = Program._meta.get_field(relation).remote_field.through._meta.get_field(target).related_model
    key = f"t.{target}_id"
    item = _object([("id", f"{key}::text"), (code, _string(f"r.{code}"))])
    order_by = ", ".join(part for part in (f"r.{order}" if order else "", f"r.{code}", key) if part)
    return (
        f"listed_{relation} AS (SELECT t.program_id, string_agg({item}, ',' ORDER BY {order_by}) AS items "
        f"FROM page, {_through(relation)} t JOIN {related._meta.db_table} r ON r.id = {key} "
        f"WHERE t.program_id = ANY(page.ids) GROUP BY t.program_id)"
    )


FUNDING_ITEM = _object([
    ("fiscal_year", "f.fiscal_year::text"),
    ("planned", _money("f.planned")),
    ("obligated", _money("f.obligated")),
    ("disbursed", _money("f.disbursed")),
    ("version", "f.version::text"),
])
# Funding rows and totals of every program of the page, grouped once (as the coded lists).
FUNDING_LISTS = (
    "listed_funding AS (SELECT f.program_id, SUM(f.planned) AS planned, SUM(f.obligated) AS obligated, "
    f"SUM(f.disbursed) AS disbursed, string_agg({FUNDING_ITEM}, ',' ORDER BY f.fiscal_year) AS items "
    f"FROM page, {Funding._meta.db_table} f WHERE f.program_id = ANY(page.ids) GROUP BY f.program_id)"
)
CODED = [related for related in RELATED if related[2]]  # lists with a code: grouped for the page


def _list(relation: str, target: str, code: str, order: str) -> str:
    if code:
        return f"('[' || COALESCE(listed_{relation}.items, '') || ']')"
    return _id_list(relation, target)


# (key, SQL text of its JSON value), in the serializer's order
PROGRAM_FIELDS = (
    ("id", "p.id::text"),
    ("code", _string("p.code")),
    ("title", _string("p.title")),
    ("description", _string("p.description")),
    ("lead_agency", "p.lead_agency_id::text"),
    ("lead_agency_code", _string("a.code")),
    *((related[0], _list(*related)) for related in RELATED),
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
)
PROGRAM_OBJECT = _object(PROGRAM_FIELDS)

# Every program of the array ``ids`` as (program_id, its JSON text): the body of the SQL
# function ``api_program_representations(ids bigint[])`` that fills the stored texts.
PROGRAM_REPRESENTATIONS = f"""
WITH page AS (SELECT ids), {", ".join([*(_coded_lists(*related) for related in CODED), FUNDING_LISTS])}
SELECT p.id, {PROGRAM_OBJECT}
FROM {Program._meta.db_table} p
JOIN {Agency._meta.db_table} a ON a.id = p.lead_agency_id
LEFT JOIN listed_funding fund ON fund.program_id = p.id
{" ".join(f"LEFT JOIN listed_{relation} ON listed_{relation}.program_id = p.id" for relation, *_ in CODED)}
WHERE p.id = ANY(ids)
"""
# The page's array from the stored texts, in the page's order; a program without one (never
# after api.program_representations.representations_install) is built on the spot.
PAGE_JSON = f"""
SELECT '[' || COALESCE(string_agg(COALESCE(stored.body, api_program_representation_of(listed.id)),
  ',' ORDER BY listed.ord), '') || ']'
FROM page CROSS JOIN LATERAL unnest(page.ids) WITH ORDINALITY AS listed(id, ord)
LEFT JOIN {ProgramRepresentation._meta.db_table} stored ON stored.program_id = listed.id
"""


def program_page_json(
    programs: QuerySet[Program], *, offset: int, limit: int, count: int | None = None
) -> tuple[int, str]:
    """One page of ``programs`` (a filtered, ordered queryset): how many programs it
    holds in all, and the JSON array of the representations of its programs ``offset``
    to ``offset + limit - 1`` in its order (compact UTF-8 text; ``[]`` past the end).

    ONE statement, one round trip, whatever the page size: the page's ids (the ordered
    queryset sliced, kept in an array so that their order is the array's), the count (a
    scalar subquery over the queryset unordered; not computed when ``count`` is given,
    e.g. a large count remembered) and the page's stored representations
    (:mod:`api.program_representations`) joined in that order. No query when the
    queryset cannot match anything. PostgreSQL only (elsewhere, paginate and render
    ``program_rows``)."""
    if connection.vendor != "postgresql":
        raise NotImplementedError("program_page_json needs PostgreSQL; render api.program_rows elsewhere.")
    try:
        # The id is the first column; an ordering by a related column may add others after it.
        page_sql, page_params = programs.values_list("id", flat=True)[offset:offset + limit].query.sql_with_params()
        count_sql, count_params = programs.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # a filter that matches nothing by construction (e.g. ``pk__in=[]``)
        return 0, "[]"
    counted = f"(SELECT count(*) FROM ({count_sql}) AS counted)" if count is None else "NULL"
    statement = (
        f"WITH page AS MATERIALIZED (SELECT ARRAY(SELECT ordered.program_id FROM ({page_sql}) AS ordered(program_id)) AS ids) "
        f"SELECT {counted}, ({PAGE_JSON})"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*page_params, *(count_params if count is None else ())])
        counted_now, page = cursor.fetchone()
    return (counted_now if count is None else count), page

"""The coordination findings, stored: every rule of
:mod:`evaluations.selectors.coordination_rules` computed for the whole portfolio, in one
set-based ``INSERT ... SELECT`` per rule, into the derived, indexed table
``CoordinationFinding``. The dashboards' flag counts and flag lists of every scope, the
coordination page and the home work lists read that table (an indexed read per scope)
instead of computing the rules again per scope and per page: the overlap rule groups
~300,000 hit-years at the large size, 0.5-2 s each time.

The findings rest on programs (status, years, lead agency, countries, goals, partner
units, objectives, sectors), vetting, strategies and their objectives, partner units,
countries (tier), donor engagements, reference names, and the day (vetting expiry); not
on measurements or rollups, so an analyst's saved value leaves them current. Two
fingerprints of those inputs (``_VERSION_SQL``) are kept with the build: one of the
programs and their links, one of everything else (with today's date). The first read
that finds them moved rebuilds the findings in one transaction (readers see the
previous findings until it commits; a second rebuilder waits for the first, then finds
them current and does nothing), and the worker's figures refresh rebuilds them before
the dashboards' figures.

When only programs changed (saved, added, linked: the everyday edit), only what they
can reach is rebuilt (``_reach``): the overlap and donor-overlap findings of their
countries (and the institution overlaps of their partner units' countries before and
after), the vetting findings of their partner units' countries before and after, and
the small gap and surge rules whole; the findings of other countries stay as they are,
numbered alike (``coordination_rules.BLOCKED_BY_COUNTRY``). A new day rebuilds the
vetting rule (expiry) only. Anything else (a vetting, a strategy, a partner unit, a
country, a reference name, a program deleted, a country link removed, more than
``MAX_CHANGED_PROGRAMS`` programs at once) rebuilds everything.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import operator

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from infrastructure.sorting import NAME_COLLATION_SQL
from infrastructure.sql import db_datetime, json_object, latest_changes
from programs.models import Program

from ..models import CoordinationFinding, CoordinationFindingsBuild
from ..selectors.coordination_rules import (
    BLOCK_SIZE,
    BLOCKED_BY_COUNTRY,
    COLUMNS,
    ORDER_BY,
    RULES,
    SCOPED_BY_PROGRAM,
    Statement,
    rule_settings_for_transaction,
)

# Raise when a rule's definition changes in code, so that findings stored under the old
# definition are rebuilt after the deployment.
FINDINGS_DEFINITION = 5  # 2: a vetting finding under its institution's country; numbered per country block;
#                           3: an institution overlap under its institution's country only;
#                           4: each finding's program ids stored (``program_ids``), by which ``_reach`` finds them;
#                           5: countries in the name order of the pages (``infrastructure.sorting``)

# More programs changed at once than this (an import): rebuild everything.
MAX_CHANGED_PROGRAMS = 100

_OTHER_INPUTS = ["programs_vetting", "programs_strategy", "programs_objective", "programs_partnerinstitution",
                 "programs_country", "programs_donorengagement", "programs_otherdonor", "programs_agency",
                 "programs_goal", "programs_sector"]
_LINKS = ["programs_program_countries", "programs_program_goals", "programs_program_partner_institutions",
          "programs_program_objectives", "programs_program_sectors"]

# The rules' inputs: the other tables' latest changes; then the programs' latest change,
# their count and their country links' count (deletions), and each link table's highest
# id (every link added moves it; a link removed goes through the program's services,
# which save the program); then the fingerprints the stored findings were built from.
_VERSION_SQL = f"""
    SELECT {latest_changes(timestamped=_OTHER_INPUTS)},
           (SELECT MAX(updated_at) FROM programs_program), (SELECT COUNT(*) FROM programs_program),
           (SELECT COUNT(*) FROM programs_program_countries), {latest_changes(linked=_LINKS)},
           (SELECT b.inputs_version FROM evaluations_coordinationfindingsbuild b WHERE b.id = 1),
           (SELECT b.programs_version FROM evaluations_coordinationfindingsbuild b WHERE b.id = 1)
"""


def _versions() -> tuple[str, str, str | None, str | None]:
    """(the fingerprint of every input but the programs now, today included; that of the
    programs and their links now (JSON); the two the stored findings were built from, None
    before the first build). One query."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    others, (latest, programs, country_links, *link_ids), (built, programs_built) = (
        row[:len(_OTHER_INPUTS)], row[len(_OTHER_INPUTS):-2], row[-2:])
    inputs = f"f{FINDINGS_DEFINITION}|{timezone.localdate().isoformat()}|" + "|".join(
        "" if value is None else str(value) for value in others)
    latest = db_datetime(latest)
    programs_now = json.dumps({"updated_at": latest.isoformat() if latest else None, "programs": int(programs),
                               "country_links": int(country_links),
                               "links": dict(zip(_LINKS, (int(i or 0) for i in link_ids)))}, sort_keys=True)
    return inputs[:400], programs_now, built, programs_built


def _programs_changed(built: str, now: str) -> list[int] | None:
    """The programs changed between two fingerprints of the programs (``_versions``):
    saved since (``updated_at``) or given a link since (a link id above the highest then);
    None when that cannot account for the change (a program deleted, a country link
    removed without its program saved, none found, or more than
    ``MAX_CHANGED_PROGRAMS``). Two queries."""
    before, after = json.loads(built), json.loads(now)
    if before.get("updated_at") is None or set(before.get("links", {})) != set(_LINKS):
        return None
    since = dt.datetime.fromisoformat(before["updated_at"])
    saved = Program.objects.filter(updated_at__gt=since).order_by().values_list("pk", "created_at")
    linked = [Program.objects.filter(pk__in=field.remote_field.through.objects.filter(
                  id__gt=before["links"][field.remote_field.through._meta.db_table]).values("program_id"))
              .order_by().values_list("pk", "created_at")
              for field in Program._meta.many_to_many if field.remote_field.through._meta.db_table in _LINKS]
    changed = list(saved.union(*linked)[:MAX_CHANGED_PROGRAMS + 1])  # each part an index range
    added = sum(1 for _, created_at in changed if created_at > since)
    country_links = Program.countries.through.objects.filter(id__gt=before["links"]["programs_program_countries"])
    if not changed or len(changed) > MAX_CHANGED_PROGRAMS or after["programs"] != before["programs"] + added \
            or after["country_links"] != before["country_links"] + country_links.count():
        return None
    return [pk for pk, _ in changed]


def _reach(program_ids: list[int]) -> dict[str, list | None]:
    """What changes of these programs can reach, by rule: the blocks
    (``BLOCKED_BY_COUNTRY``) of each blocked rule, None (the whole rule) for the others.
    Their donor overlaps are those of the countries they are in (no country link was
    removed: ``_programs_changed``); their overlaps, those of those countries (goals) and
    of the countries of the partner units they serve now and of those they served (their
    stored institution overlaps, stored under each institution's country); their vetting
    findings, those of the countries of the partner units they serve now and of those they
    served (their stored vetting findings, stored under their institutions' countries).
    Stored findings are found by the program ids stored with them (``program_ids``), among
    their rule's rows. Three queries."""
    countries = Program.countries.through.objects.filter(program_id__in=program_ids)
    country_ids = sorted(set(countries.values_list("country_id", flat=True)))
    served = Program.partner_institutions.through.objects.filter(program_id__in=program_ids).order_by()
    overlaps = served.values_list("partnerinstitution__country_id").union(
        CoordinationFinding.objects.filter(rule="overlap", data__on_kind="institution",
                                           program_ids__overlaps=program_ids).order_by().values_list("country_id"))
    overlap_ids = sorted(set(country_ids) | {c for (c,) in overlaps if c is not None})
    units = served.values_list("partnerinstitution__country__iso3").union(CoordinationFinding.objects.filter(
        rule="vetting", program_ids__overlaps=program_ids)  # stored under each institution's country
        .annotate(iso3=KeyTextTransform("iso3", "data")).order_by().values_list("iso3"))
    iso3s = sorted({c for (c,) in units if c is not None})
    return {rule: None for rule in RULES} | {"overlap": overlap_ids, "donor_overlap": country_ids, "vetting": iso3s}


def _changes_reach(inputs: str, programs: str, inputs_built: str | None,
                   programs_built: str | None) -> dict[str, list | None] | None:
    """What to rebuild, by rule (see ``_reach``; a rule not named is left as it is), when
    only programs changed (``_programs_changed``) or the day (the vetting rule: expiry);
    None (everything) for any other change."""
    if not inputs_built or not programs_built:
        return None
    definition, day, others = inputs.split("|", 2)
    definition_built, day_built, others_built = inputs_built.split("|", 2)
    if (definition, others) != (definition_built, others_built):
        return None
    reach: dict[str, list | None] = {}
    if programs != programs_built:
        changed = _programs_changed(programs_built, programs)
        if changed is None:
            return None
        reach = _reach(changed)
    if day != day_built:
        reach["vetting"] = None
    return reach


def _blocks_sql(key: str) -> str:
    """Each country's block number (see ``BLOCKED_BY_COUNTRY``) by its ``key`` column:
    (block_key, block_no)."""
    return (f"SELECT c.{key} AS block_key, ROW_NUMBER() OVER (ORDER BY c.name COLLATE {NAME_COLLATION_SQL}, c.id) "
            "AS block_no FROM programs_country c")


def _block_numbers(key: str, blocks: list) -> list[int]:
    """The block numbers of these countries (ids or ISO3 codes, by ``key``). One query."""
    if not blocks:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT b.block_no FROM ({_blocks_sql(key)}) AS b "
                       f"WHERE b.block_key IN ({', '.join(['%s'] * len(blocks))})", list(blocks))
        return [int(n) for (n,) in cursor.fetchall()]


def _insert_statement(rule: str, blocks: list | None = None) -> Statement:
    """``INSERT ... SELECT`` of the findings of ``rule`` today (of its ``blocks`` only, if
    given: country ids or ISO3 codes, see ``BLOCKED_BY_COUNTRY``), numbered in the rule's
    order, once per country that scopes it: the rule's columns as ``data``, its program ids
    in ``program_ids``. Building it may query (the overlap rule's fiscal years)."""
    today = timezone.localdate()
    if rule in BLOCKED_BY_COUNTRY:
        column, key = BLOCKED_BY_COUNTRY[rule]
        if key == "id":  # the rule's own scope is its block
            sql, params = RULES[rule](blocks, today)
            where, where_params = "TRUE", []
        else:
            sql, params = RULES[rule](None, today)
            where, where_params = ("TRUE", []) if blocks is None else (
                (f"found.{column} IN ({', '.join(['%s'] * len(blocks))})", list(blocks)) if blocks else ("FALSE", []))
        numbered = f"""
            SELECT found.*, block.block_no * {BLOCK_SIZE} + ROW_NUMBER() OVER (
                       PARTITION BY found.{column} ORDER BY {ORDER_BY[rule]}) AS finding_no
            FROM ({sql}) AS found
            JOIN ({_blocks_sql(key)}) AS block ON block.block_key = found.{column}
            WHERE {where}"""
        params = [*params, *where_params]
    else:
        sql, params = RULES[rule](None, today)
        numbered = f"SELECT found.*, ROW_NUMBER() OVER (ORDER BY {ORDER_BY[rule]}) AS finding_no FROM ({sql}) AS found"
    if rule in SCOPED_BY_PROGRAM:
        country, join = "pc.country_id", "LEFT JOIN programs_program_countries pc ON pc.program_id = f.program_id"
    else:
        country, join = "f.country_id", ""
    return f"""
        INSERT INTO evaluations_coordinationfinding (rule, finding, country_id, data, program_ids)
        SELECT %s, f.finding_no, {country}, {json_object(COLUMNS[rule], alias="f")}, f.program_ids
        FROM ({numbered}) AS f {join}
    """, [rule, *params]


def _rebuild(reach: dict[str, list | None]) -> None:
    """Delete and insert again the stored findings of each rule of ``reach`` (of its
    blocks, or whole for None). Two or three queries per rule."""
    for rule, blocks in reach.items():  # a delete per rule: each an index range
        stored = CoordinationFinding.objects.filter(rule=rule)
        if blocks is not None:  # the blocks' numbers (their countries are unchanged)
            numbers = _block_numbers(BLOCKED_BY_COUNTRY[rule][1], blocks)
            stored = stored.filter(functools.reduce(operator.or_, (
                Q(finding__gt=n * BLOCK_SIZE, finding__lt=(n + 1) * BLOCK_SIZE) for n in numbers), Q(pk__in=[])))
        stored.delete()
        with connection.cursor() as cursor:
            cursor.execute(*_insert_statement(rule, blocks))


@transaction.atomic
def findings_rebuild(*, force: bool = False) -> bool:
    """Make the stored findings current, in one transaction: unless (``force`` aside)
    they were built from the current inputs, rebuild what changed programs can reach when
    only programs or the day changed (see the module docstring), else everything. A fixed number of
    queries whatever the data (a lock, the versions, the changed programs and their reach,
    a delete, one insert per rule and the overlap rule's fiscal years, the build row).
    Returns whether it rebuilt."""
    started = timezone.now()
    CoordinationFindingsBuild.objects.bulk_create(
        [CoordinationFindingsBuild(pk=1, inputs_version="", built_at=started)], ignore_conflicts=True)
    build = CoordinationFindingsBuild.objects.select_for_update().get(pk=1)  # one rebuild at a time
    inputs, programs, inputs_built, programs_built = _versions()
    if (inputs, programs) == (inputs_built, programs_built) and not force:
        return False
    reach = None if force else _changes_reach(inputs, programs, inputs_built, programs_built)
    rule_settings_for_transaction()
    if reach is None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM evaluations_coordinationfinding")
            for rule in RULES:
                cursor.execute(*_insert_statement(rule))
    else:
        _rebuild(reach)
    build.inputs_version, build.programs_version, build.built_at = inputs, programs, started
    build.save(update_fields=["inputs_version", "programs_version", "built_at"])
    return True


def findings_current() -> bool:
    """Make the stored findings current before reading them: one query when they are, a
    rebuild (``findings_rebuild``) when their inputs changed. Returns whether it rebuilt."""
    inputs, programs, inputs_built, programs_built = _versions()
    if (inputs, programs) == (inputs_built, programs_built):
        return False
    return findings_rebuild()

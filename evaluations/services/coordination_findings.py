"""The coordination findings, stored: every rule of
:mod:`evaluations.selectors.coordination_rules` computed once for the whole portfolio, in
one set-based ``INSERT ... SELECT`` per rule, into the derived, indexed table
``CoordinationFinding``. The dashboards' flag counts and flag lists of every scope, the
coordination page and the home work lists read that table (an indexed read per scope)
instead of computing the rules again per scope and per page: the overlap rule groups
~300,000 hit-years at the large size, 0.5-2 s each time.

The findings rest on programs (status, years, lead agency, countries, goals, partner
units, objectives, sectors), vetting, strategies and their objectives, partner units,
countries (tier), donor engagements, reference names, and the day (vetting expiry); not
on measurements or rollups, so an analyst's saved value leaves them current. Their
inputs version (``_VERSION_SQL``, with today's date) fingerprints those tables' latest
changes; the first read that finds it moved rebuilds the table in one transaction
(readers see the previous findings until it commits; a second rebuilder waits for the
first, then finds them current and does nothing), and the worker's figures refresh
rebuilds them before the dashboards' figures.
"""
from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from infrastructure.sql import json_object, latest_changes

from ..models import CoordinationFindingsBuild
from ..selectors.coordination_rules import (
    COLUMNS,
    ORDER_BY,
    RULES,
    SCOPED_BY_PROGRAM,
    Statement,
    rule_settings_for_transaction,
)

# Raise when a rule's definition changes in code, so that findings stored under the old
# definition are rebuilt after the deployment.
FINDINGS_DEFINITION = 2  # 2: a vetting finding counts under its institution's country only

# The rules' inputs. A link removed goes through the program's services, which save the
# program; the count of country links also catches deletions. The last column is the
# version the stored findings were built from.
_VERSION_SQL = f"""
    SELECT {latest_changes(
        timestamped=["programs_program", "programs_vetting", "programs_strategy", "programs_objective",
                     "programs_partnerinstitution", "programs_country", "programs_donorengagement",
                     "programs_otherdonor", "programs_agency", "programs_goal", "programs_sector"],
        linked=["programs_program_countries", "programs_program_goals", "programs_program_partner_institutions",
                "programs_program_objectives", "programs_program_sectors"])},
           (SELECT COUNT(*) FROM programs_program_countries),
           (SELECT b.inputs_version FROM evaluations_coordinationfindingsbuild b WHERE b.id = 1)
"""


def _versions() -> tuple[str, str | None]:
    """(the version of the rules' inputs now, today included; the version the stored
    findings were built from, None before the first build). One query."""
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        *inputs, built = cursor.fetchone()
    now = f"f{FINDINGS_DEFINITION}|{timezone.localdate().isoformat()}|" + "|".join(
        "" if value is None else str(value) for value in inputs)
    return now[:400], built


def _insert_statement(rule: str) -> Statement:
    """``INSERT ... SELECT`` of every finding of ``rule`` today, numbered in the rule's
    order, once per country that scopes it."""
    sql, params = RULES[rule](None, timezone.localdate())
    if rule in SCOPED_BY_PROGRAM:
        country, join = "pc.country_id", "LEFT JOIN programs_program_countries pc ON pc.program_id = f.program_id"
    else:
        country, join = "f.country_id", ""
    return f"""
        INSERT INTO evaluations_coordinationfinding (rule, finding, country_id, data)
        SELECT %s, f.finding_no, {country}, {json_object(COLUMNS[rule], alias="f")}
        FROM (SELECT found.*, ROW_NUMBER() OVER (ORDER BY {ORDER_BY[rule]}) AS finding_no
              FROM ({sql}) AS found) AS f {join}
    """, [rule, *params]


@transaction.atomic
def findings_rebuild(*, force: bool = False) -> bool:
    """Rebuild the stored findings of every rule from the current data, in one
    transaction, unless (``force`` aside) they were built from the current inputs. A
    fixed number of queries whatever the data (a lock, the version, a delete, one insert
    per rule, the build row). Returns whether it rebuilt."""
    started = timezone.now()
    CoordinationFindingsBuild.objects.bulk_create(
        [CoordinationFindingsBuild(pk=1, inputs_version="", built_at=started)], ignore_conflicts=True)
    build = CoordinationFindingsBuild.objects.select_for_update().get(pk=1)  # one rebuild at a time
    version, built = _versions()
    if built == version and not force:
        return False
    rule_settings_for_transaction()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evaluations_coordinationfinding")
        for rule in RULES:
            cursor.execute(*_insert_statement(rule))
    build.inputs_version, build.built_at = version, started
    build.save(update_fields=["inputs_version", "built_at"])
    return True


def findings_current() -> bool:
    """Make the stored findings current before reading them: one query when they are, a
    rebuild (``findings_rebuild``) when their inputs changed. Returns whether it rebuilt."""
    version, built = _versions()
    if built == version:
        return False
    return findings_rebuild()

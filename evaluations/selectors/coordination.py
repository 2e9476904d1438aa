"""Coordination checks (DESIGN.md section 3): each a function returning finding rows.

Every check is one set-based query. A finding has a stable fingerprint: a hash of the
check name and the data the finding rests on (ids, years, shared goals / institutions,
statuses), so an acknowledgement holds while the data stays the same and the finding
shows again when the data changes.

Definitions:
* overlap: two running programs of different lead agencies in one country, serving a
  shared goal or a shared partner institution, in overlapping fiscal years (one finding
  per pair and country);
* donor overlap: another donor's engagement in the same country and DAC sector as a
  running program, in overlapping fiscal years;
* gap: an objective of a country strategy of a tier 1-2 country that no running program
  serves;
* surge without a long-term link or sustainment plan: a running surge program missing
  either;
* vetting: a running program serving a partner institution that trains or equips
  security forces (every type but civil society and international organizations) with
  no approved, unexpired human-rights (Leahy) vetting.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from infrastructure.sql import string_agg
from programs.selectors.sql import RUNNING_SQL, VETTING_EXEMPT_SQL

from ..models import FindingAcknowledgement


@dataclass
class Finding:
    check: str
    fingerprint: str
    summary: str
    country: str
    links: list[tuple[str, str]] = field(default_factory=list)
    acknowledgement: FindingAcknowledgement | None = None


def fingerprint(check: str, *parts) -> str:
    text = "|".join([check, *(str(p) for p in parts)])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _pair(function: str, a: str, b: str) -> str:
    """GREATEST / LEAST of two values (SQLite spells them MAX / MIN)."""
    if connection.vendor == "postgresql":
        return f"{function}({a}, {b})"
    return f"{'MAX' if function == 'GREATEST' else 'MIN'}({a}, {b})"


def _rows(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _program_link(program_id: int, code: str) -> tuple[str, str]:
    return code, reverse("programs:program-detail", args=[program_id])


def interagency_overlaps() -> list[Finding]:
    rows = _rows(
        f"""
        SELECT c.id, c.name, p1.id, p1.code, a1.code, p2.id, p2.code, a2.code,
               {_pair("GREATEST", "p1.start_fy", "p2.start_fy")}, {_pair("LEAST", "p1.end_fy", "p2.end_fy")},
               (SELECT {string_agg("g.code")} FROM programs_program_goals g1
                  JOIN programs_program_goals g2 ON g2.goal_id = g1.goal_id AND g2.program_id = p2.id
                  JOIN programs_goal g ON g.id = g1.goal_id WHERE g1.program_id = p1.id),
               (SELECT {string_agg("i.name")} FROM programs_program_partner_institutions i1
                  JOIN programs_program_partner_institutions i2
                    ON i2.partnerinstitution_id = i1.partnerinstitution_id AND i2.program_id = p2.id
                  JOIN programs_partnerinstitution i ON i.id = i1.partnerinstitution_id WHERE i1.program_id = p1.id)
        FROM programs_program_countries pc1
        JOIN programs_program_countries pc2 ON pc2.country_id = pc1.country_id AND pc2.program_id > pc1.program_id
        JOIN programs_program p1 ON p1.id = pc1.program_id
        JOIN programs_program p2 ON p2.id = pc2.program_id
        JOIN programs_agency a1 ON a1.id = p1.lead_agency_id
        JOIN programs_agency a2 ON a2.id = p2.lead_agency_id
        JOIN programs_country c ON c.id = pc1.country_id
        WHERE p1.lead_agency_id <> p2.lead_agency_id
          AND p1.status IN {RUNNING_SQL} AND p2.status IN {RUNNING_SQL}
          AND p1.archived_at IS NULL AND p2.archived_at IS NULL
          AND p1.start_fy <= p2.end_fy AND p2.start_fy <= p1.end_fy
        ORDER BY c.name, p1.code, p2.code
        """
    )
    findings = []
    for cid, country, p1, code1, agency1, p2, code2, agency2, fy_from, fy_to, goals, institutions in rows:
        if not goals and not institutions:
            continue
        shared = "; ".join(filter(None, [goals and f"goal {goals}", institutions and f"institution {institutions}"]))
        findings.append(
            Finding(
                check="overlap",
                fingerprint=fingerprint("overlap", cid, p1, p2, fy_from, fy_to, goals, institutions),
                summary=f"{code1} ({agency1}) and {code2} ({agency2}) both serve {shared}, FY{fy_from}-FY{fy_to}",
                country=country,
                links=[_program_link(p1, code1), _program_link(p2, code2)],
            )
        )
    return findings


def donor_overlaps() -> list[Finding]:
    rows = _rows(
        f"""
        SELECT c.id, c.name, d.id, d.name, s.dac_code, s.name, p.id, p.code, e.id, e.start_fy, e.end_fy
        FROM programs_donorengagement e
        JOIN programs_otherdonor d ON d.id = e.donor_id
        JOIN programs_sector s ON s.id = e.sector_id
        JOIN programs_country c ON c.id = e.country_id
        JOIN programs_program_countries pc ON pc.country_id = e.country_id
        JOIN programs_program_sectors ps ON ps.program_id = pc.program_id AND ps.sector_id = e.sector_id
        JOIN programs_program p ON p.id = pc.program_id
        WHERE p.status IN {RUNNING_SQL} AND p.archived_at IS NULL
          AND p.start_fy <= e.end_fy AND e.start_fy <= p.end_fy
        ORDER BY c.name, s.dac_code, d.name, p.code
        """
    )
    return [
        Finding(
            check="donor_overlap",
            fingerprint=fingerprint("donor_overlap", cid, engagement, pid, start, end),
            summary=f"{donor} is active in {dac} {sector} (FY{start}-FY{end}) beside {code}",
            country=country,
            links=[_program_link(pid, code)],
        )
        for cid, country, _, donor, dac, sector, pid, code, engagement, start, end in rows
    ]


def gaps() -> list[Finding]:
    rows = _rows(
        f"""
        SELECT c.id, c.name, c.priority_tier, st.id, st.title, o.id, o.code, o.description
        FROM programs_objective o
        JOIN programs_strategy st ON st.id = o.strategy_id
        JOIN programs_country c ON c.id = st.country_id
        WHERE c.priority_tier IN (1, 2) AND o.archived_at IS NULL AND st.archived_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM programs_program_objectives po
            JOIN programs_program p ON p.id = po.program_id
            WHERE po.objective_id = o.id AND p.status IN {RUNNING_SQL} AND p.archived_at IS NULL
          )
        ORDER BY c.priority_tier, c.name, st.title, o.code
        """
    )
    return [
        Finding(
            check="gap",
            fingerprint=fingerprint("gap", cid, tier, objective),
            summary=f"Tier {tier}: objective {code} of '{strategy}' has no running program ({description[:80]})",
            country=country,
        )
        for cid, country, tier, _, strategy, objective, code, description in rows
    ]


def surge_without_long_term_link() -> list[Finding]:
    rows = _rows(
        f"""
        SELECT p.id, p.code, p.title, p.long_term_objective_id, (TRIM(p.sustainment_plan) = ''),
               (SELECT {string_agg("c.name")} FROM programs_program_countries pc
                  JOIN programs_country c ON c.id = pc.country_id WHERE pc.program_id = p.id)
        FROM programs_program p
        WHERE p.is_surge AND p.status IN {RUNNING_SQL} AND p.archived_at IS NULL
          AND (p.long_term_objective_id IS NULL OR TRIM(p.sustainment_plan) = '')
        ORDER BY p.code
        """
    )
    findings = []
    for pid, code, title, objective, no_plan, countries in rows:
        missing = [m for m, gone in (("long-term objective", objective is None), ("sustainment plan", no_plan)) if gone]
        findings.append(
            Finding(
                check="surge",
                fingerprint=fingerprint("surge", pid, objective, no_plan),
                summary=f"Surge program {code} ({title}) has no {' and no '.join(missing)}",
                country=countries or "",
                links=[_program_link(pid, code)],
            )
        )
    return findings


def vetting_missing(today: dt.date | None = None) -> list[Finding]:
    today = today or timezone.localdate()
    rows = _rows(
        f"""
        SELECT p.id, p.code, i.id, i.name, c.name,
               (SELECT v.status || ':' || COALESCE(CAST(v.expires_on AS varchar), '')
                  FROM programs_vetting v WHERE v.institution_id = i.id
                  ORDER BY v.requested_on DESC, v.id DESC LIMIT 1)
        FROM programs_program_partner_institutions ppi
        JOIN programs_program p ON p.id = ppi.program_id
        JOIN programs_partnerinstitution i ON i.id = ppi.partnerinstitution_id
        JOIN programs_country c ON c.id = i.country_id
        WHERE p.status IN {RUNNING_SQL} AND p.archived_at IS NULL
          AND i.institution_type NOT IN {VETTING_EXEMPT_SQL}
          AND NOT EXISTS (
            SELECT 1 FROM programs_vetting v WHERE v.institution_id = i.id AND v.status = 'approved'
              AND (v.expires_on IS NULL OR v.expires_on >= %s)
          )
        ORDER BY c.name, p.code, i.name
        """,
        [today],
    )
    findings = []
    for pid, code, iid, institution, country, latest in rows:
        state = "never vetted" if not latest else f"latest vetting {latest.rstrip(':').replace(':', ', expired ')}"
        findings.append(
            Finding(
                check="vetting",
                fingerprint=fingerprint("vetting", pid, iid, latest or ""),
                summary=f"{code} serves {institution} without current human-rights vetting ({state})",
                country=country,
                links=[_program_link(pid, code)],
            )
        )
    return findings


CHECKS: dict[str, tuple[str, Callable[[], list[Finding]]]] = {
    "overlap": ("Interagency overlaps", interagency_overlaps),
    "donor_overlap": ("Donor overlaps by country and sector", donor_overlaps),
    "gap": ("Gaps in tier 1-2 countries", gaps),
    "surge": ("Surge programs without a long-term link or sustainment plan", surge_without_long_term_link),
    "vetting": ("Partner units without current human-rights vetting", vetting_missing),
}


def coordination_findings(*, include_acknowledged: bool = True) -> list[dict]:
    """Every check with its findings, each carrying its acknowledgement if any (one query
    per check plus one for acknowledgements)."""
    acknowledgements = {
        (a.check_name, a.fingerprint): a for a in FindingAcknowledgement.objects.select_related("acknowledged_by")
    }
    sections = []
    for name, (title, check) in CHECKS.items():
        findings = check()
        for finding in findings:
            finding.acknowledgement = acknowledgements.get((name, finding.fingerprint))
        open_count = sum(1 for f in findings if f.acknowledgement is None)
        if not include_acknowledged:
            findings = [f for f in findings if f.acknowledgement is None]
        sections.append({"name": name, "title": title, "findings": findings, "open_count": open_count})
    return sections

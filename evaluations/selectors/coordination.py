"""Coordination findings (DESIGN.md section 3): the rows of each rule in
:mod:`evaluations.selectors.coordination_rules` (where the rules are defined, once, for
these lists and the dashboards' flags alike) written as findings a person reads, links
and acknowledges.

Every check reads its rule's findings stored for today (computed once for the whole
portfolio, a set-based statement per rule, rebuilt when the rules' inputs change:
``evaluations.services.coordination_findings``), or computes them for another day. A
finding has a stable fingerprint: a hash of the check name and the data the finding rests on (ids, years, statuses), so an
acknowledgement holds while the data stays the same and the finding shows again when
the data changes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from programs.links import program_url

from ..models import FindingAcknowledgement
from .coordination_rules import rule_rows, stored_rule_rows
from infrastructure.text import shortened
from infrastructure.dates import date_text
from programs.models.oversight import VettingStatus


@dataclass
class Finding:
    """One finding of a check: what a person reads (summary, country), the records it
    links to as (label, url) pairs, and its acknowledgement when one holds."""

    check: str
    fingerprint: str
    summary: str
    country: str
    links: list[tuple[str, str]] = field(default_factory=list)
    acknowledgement: FindingAcknowledgement | None = None
    program_ids: list[int] = field(default_factory=list)
    iso3s: list[str] = field(default_factory=list)


def fingerprint(check: str, *parts) -> str:
    """40 hex characters identifying a finding by its check and the data it rests on."""
    text = "|".join([check, *(str(p) for p in parts)])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _program_link(program_id: int, code: str) -> tuple[str, str]:
    return code, program_url(program_id)


def programs_in_summary(joined: str) -> list[tuple[int, str]]:
    """``"12:KEN-001 (DOS), 15:KEN-007 (DOD)"`` -> ``[(12, "KEN-001 (DOS)"), ...]``, by id."""
    pairs = (item.split(":", 1) for item in joined.split(", "))
    return sorted((int(pid), label) for pid, label in pairs)


def surge_missing(long_term_objective_id: int | None, no_plan: bool) -> list[str]:
    """What a surge program lacks: "long-term objective" and / or "sustainment plan"."""
    return [what for what, gone in (("long-term objective", long_term_objective_id is None),
                                    ("sustainment plan", bool(no_plan))) if gone]


def _findings_current() -> None:
    from ..services.coordination_findings import findings_current  # the service reads this module's rules

    findings_current()


def findings_rows(rule: str, country_ids: list[int] | None, today: dt.date | None,
                  made_current: bool = False) -> list[dict]:
    """The rows of ``rule`` in scope: for today (``today`` None or today's date) the stored
    findings, brought up to date first (``evaluations.services.coordination_findings``)
    unless the caller just did (``made_current``: one version check for several rules);
    for another day computed by the rule itself."""
    if today is None or today == timezone.localdate():
        if not made_current:
            _findings_current()
        return stored_rule_rows(rule, country_ids)
    return rule_rows(rule, country_ids, today=today)


def interagency_overlaps(today: dt.date | None = None, country_ids: list[int] | None = None,
        *, made_current: bool = False) -> list[Finding]:
    """One finding per country and goal (or partner institution) served by running
    programs of two or more lead agencies in a common fiscal year."""
    findings = []
    for row in findings_rows("overlap", country_ids, today, made_current):
        programs = programs_in_summary(row["programs"])
        shared = f"goal {row['on_name']}" if row["on_kind"] == "goal" else f"institution {row['on_name']}"
        years = f"FY{row['first_fy']}-FY{row['last_fy']}"
        findings.append(Finding(
            check="overlap",
            fingerprint=fingerprint("overlap", row["country_id"], row["on_kind"], row["on_id"],
                                    row["first_fy"], row["last_fy"], *(pid for pid, _ in programs)),
            summary=f"{', '.join(label for _, label in programs)} all serve {shared}, {years}",
            country=row["country_name"],
            links=[_program_link(pid, label.split(" (")[0]) for pid, label in programs],
            program_ids=[pid for pid, _ in programs], iso3s=[row["iso3"]],
        ))
    return findings


def donor_overlaps(today: dt.date | None = None, country_ids: list[int] | None = None,
        *, made_current: bool = False) -> list[Finding]:
    """One finding per other donor's engagement and running program sharing a country,
    a DAC sector and fiscal years."""
    return [
        Finding(
            check="donor_overlap",
            fingerprint=fingerprint("donor_overlap", r["country_id"], r["engagement_id"], r["program_id"],
                                    r["start_fy"], r["end_fy"]),
            summary=f"{r['donor_name']} is active in {r['dac_code']} {r['sector_name']} "
                    f"(FY{r['start_fy']}-FY{r['end_fy']}) beside {r['program_code']}",
            country=r["country_name"],
            links=[_program_link(r["program_id"], r["program_code"])],
            program_ids=[r["program_id"]], iso3s=[r["iso3"]],
        )
        for r in findings_rows("donor_overlap", country_ids, today, made_current)
    ]


def gaps(today: dt.date | None = None, country_ids: list[int] | None = None,
        *, made_current: bool = False) -> list[Finding]:
    """One finding per objective of a tier 1-2 country's strategy with no running program."""
    return [
        Finding(
            check="gap",
            fingerprint=fingerprint("gap", r["country_id"], r["tier"], r["objective_id"]),
            summary=f"Tier {r['tier']}: objective {r['objective_code']} of '{r['strategy_title']}' has no running "
                    f"program ({shortened(r['objective_description'], 80)})",
            country=r["country_name"], iso3s=[r["iso3"]],
        )
        for r in findings_rows("gap", country_ids, today, made_current)
    ]


def surge_without_long_term_link(today: dt.date | None = None, country_ids: list[int] | None = None,
        *, made_current: bool = False) -> list[Finding]:
    """One finding per running surge program missing a long-term objective or a
    sustainment plan (or both)."""
    findings = []
    for r in findings_rows("surge", country_ids, today, made_current):
        objective, no_plan = r["long_term_objective_id"], bool(r["no_plan"])
        missing = surge_missing(objective, no_plan)
        findings.append(Finding(
            check="surge",
            fingerprint=fingerprint("surge", r["program_id"], objective, no_plan),
            summary=f"Surge program {r['program_code']} ({r['program_title']}) has no {' and no '.join(missing)}",
            country=r["country_names"] or "",
            links=[_program_link(r["program_id"], r["program_code"])],
            program_ids=[r["program_id"]], iso3s=(r["iso3s"] or "").split(", ") if r["iso3s"] else [],
        ))
    return findings


def _vetting_state(latest: str | None) -> str:
    """The latest vetting as stored ("approved:2026-01-31", "denied:") in words: "latest
    vetting approved, expired Jan 31, 2026"; "never vetted" when there is none."""
    if not latest:
        return "never vetted"
    code, _, expires = latest.partition(":")
    status = VettingStatus(code).label.lower() if code in VettingStatus.values else code
    return f"latest vetting {status}" + (f", expired {date_text(dt.date.fromisoformat(expires))}" if expires else "")


def vetting_missing(today: dt.date | None = None, country_ids: list[int] | None = None,
        *, made_current: bool = False) -> list[Finding]:
    """One finding per running program and partner institution needing vetting without
    an approved vetting unexpired on ``today`` (default: today)."""
    findings = []
    for r in findings_rows("vetting", country_ids, today, made_current):
        latest = r["latest"]
        state = _vetting_state(latest)
        findings.append(Finding(
            check="vetting",
            fingerprint=fingerprint("vetting", r["program_id"], r["institution_id"], latest or ""),
            summary=f"{r['program_code']} serves {r['institution_name']} without current human-rights vetting ({state})",
            country=r["country_name"],
            links=[_program_link(r["program_id"], r["program_code"])],
            program_ids=[r["program_id"]], iso3s=[r["iso3"]],
        ))
    return findings


CHECKS: dict[str, tuple[str, Callable[[], list[Finding]]]] = {
    "overlap": ("Interagency overlaps", interagency_overlaps),
    "donor_overlap": ("Donor overlaps by country and sector", donor_overlaps),
    "gap": ("Gaps in tier 1-2 countries", gaps),
    "surge": ("Surge programs without a long-term link or sustainment plan", surge_without_long_term_link),
    "vetting": ("Partner units without current human-rights vetting", vetting_missing),
}


def coordination_findings(*, include_acknowledged: bool = True, country_ids: list[int] | None = None,
                          checks: list[str] | None = None) -> list[dict]:
    """Every check (or ``checks``) with its findings, each carrying its acknowledgement if
    any (one query per check plus one for acknowledgements); ``country_ids`` limits the
    checks to the programs (and strategies) of those countries."""
    acknowledgements = {
        (a.check_name, a.fingerprint): a for a in FindingAcknowledgement.objects.select_related("acknowledged_by")
    }
    _findings_current()  # once for every check below
    sections = []
    for name, (title, check) in CHECKS.items():
        if checks is not None and name not in checks:
            continue
        findings = check(country_ids=country_ids, made_current=True)
        for finding in findings:
            finding.acknowledgement = acknowledgements.get((name, finding.fingerprint))
        open_count = sum(1 for f in findings if f.acknowledgement is None)
        if not include_acknowledged:
            findings = [f for f in findings if f.acknowledgement is None]
        sections.append({"name": name, "title": title, "findings": findings, "open_count": open_count})
    return sections


@dataclass
class FindingRow:
    """A finding as the coordination list shows it: its check and the agencies leading
    the programs it names."""

    check: str
    check_title: str
    finding: Finding
    agencies: list[str]

    @property
    def key(self) -> str:
        """``check:fingerprint``, the value a bulk acknowledgement posts."""
        return f"{self.check}:{self.finding.fingerprint}"


def findings_filtered(*, country: str = "", agency: str = "", kind: str = "",
                      include_acknowledged: bool = False) -> list[FindingRow]:
    """Every finding of every check (or of ``kind``) in one flat list, optionally of one
    country (ISO3) and of programs led by one agency (code). A fixed number of queries:
    the checks, the acknowledgements, and one for the agencies of the programs named."""
    from programs.models import Program

    sections = [s for s in coordination_findings(include_acknowledged=include_acknowledged) if not kind or s["name"] == kind]
    program_ids = {pid for s in sections for f in s["findings"] for pid in f.program_ids}
    agency_of = dict(Program.objects.filter(pk__in=program_ids).values_list("pk", "lead_agency__code")) if program_ids else {}
    rows = []
    for section in sections:
        for f in section["findings"]:
            agencies = sorted({agency_of[pid] for pid in f.program_ids if pid in agency_of})
            if country and country.upper() not in f.iso3s:
                continue
            if agency and agency.upper() not in agencies:
                continue
            rows.append(FindingRow(section["name"], section["title"], f, agencies))
    return rows

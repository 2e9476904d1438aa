"""The vetting rule (DESIGN.md section 2, "vetting"): the small pure reference, held equal
by tests to the set-based SQL of :func:`evaluations.selectors.coordination_rules._vetting`
that stores the findings and counts the dashboards' vetting flags.

A finding is a running program (:data:`programs.models.RUNNING_STATUSES`, not archived)
serving a partner institution that needs vetting (every type but
:data:`programs.models.VETTING_EXEMPT_INSTITUTION_TYPES`) with no approved vetting that is
unexpired on the day (no expiry date, or expiring on the day or later). It counts under the
institution's own country only, never under the program's other countries: a regional
program's Kenyan unit is Kenya's to vet, not Ghana's.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from programs.models import VETTING_EXEMPT_INSTITUTION_TYPES


@dataclass(frozen=True)
class VettingRequest:
    """One vetting request of an institution (``programs.Vetting``)."""

    id: int
    status: str
    requested_on: dt.date
    expires_on: dt.date | None


@dataclass(frozen=True)
class ServedInstitution:
    """A program serving a partner institution, with what the rule reads of both."""

    program_id: int
    program_running: bool  # a running status and not archived
    institution_id: int
    country_id: int  # the institution's
    institution_type: str
    vettings: tuple[VettingRequest, ...] = ()


def vetting_current(vettings: Iterable[VettingRequest], today: dt.date) -> bool:
    """Whether an approved vetting holds on ``today`` (no expiry, or expiring today or later)."""
    return any(v.status == "approved" and (v.expires_on is None or v.expires_on >= today) for v in vettings)


def latest_vetting(vettings: Iterable[VettingRequest]) -> str | None:
    """"status:expires_on" (ISO date, empty when none) of the latest request (by request
    date, then id), None when never vetted."""
    latest = max(vettings, key=lambda v: (v.requested_on, v.id), default=None)
    if latest is None:
        return None
    return f"{latest.status}:{latest.expires_on.isoformat() if latest.expires_on else ''}"


def vetting_findings(served: Iterable[ServedInstitution], *, today: dt.date,
                     country_ids: Iterable[int] | None = None) -> set[tuple[int, int, int, str | None]]:
    """The findings on ``today`` in scope (``country_ids``: the institutions' countries;
    None: everywhere) as (country_id, program_id, institution_id, latest) tuples."""
    scope = None if country_ids is None else set(country_ids)
    return {
        (s.country_id, s.program_id, s.institution_id, latest_vetting(s.vettings))
        for s in served
        if s.program_running and s.institution_type not in VETTING_EXEMPT_INSTITUTION_TYPES
        and (scope is None or s.country_id in scope) and not vetting_current(s.vettings, today)
    }

"""A brief's PDF kept against a fingerprint of everything it shows, so that a repeat
click is served from the store instead of laid out again (seconds at the large size),
and a brief whose data changed is never served.

The fingerprint is read before the brief's data (a change made while a brief renders
gives a newer fingerprint, so that brief is made again on the next click), in two
queries of index look-ups:

- the dashboards' inputs version (``dashboards.selectors.snapshots.inputs_version``:
  the figures' definition, today's date and the latest change of programs, funding,
  vetting, crises, strategies, objectives, partners, countries, recommendations,
  selectivity scores and rollups);
- what a brief shows beyond the dashboards' figure sets (``BRIEF_INPUTS``): review
  decisions, evaluations, assessments and their criterion scores, priority-tier
  decisions and the brief settings (the footer), by their latest ``updated_at`` and the
  latest id of their change history (which also moves when a row is deleted), plus the
  change history of programs, funding and recommendations for deletions;
- ``BRIEF_DEFINITION``, raised when what a brief shows or how it is laid out changes
  in code.

Briefs live in the dashboards' figures cache (``snapshots.CACHE_ALIAS``: shared by every
web process), one entry per brief (``briefs:country:<id>``, ``briefs:portfolio``),
replaced when its fingerprint moves. A brief's content is the same for every signed-in
user (managers and analysts read every dashboard).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connection, models

from assessments.models import CountryAssessment, CriterionScore
from dashboards.selectors.snapshots import CACHE_ALIAS, inputs_version
from evaluations.models import Evaluation, Recommendation
from programs.models import CountryPriorityTier, Funding, Program, ProgramReview

from ..models import BriefSettings

# Raise when a brief's contents or layout change in code (templates, tables, stylesheet),
# so that briefs stored under the old definition are made again after the deployment.
BRIEF_DEFINITION = 2  # 2: a country brief without decided reviews says what waits and where to act

# Models a brief shows that the dashboards' inputs version does not follow (or follows
# only by their latest change, which a deletion does not move).
BRIEF_INPUTS: tuple[type[models.Model], ...] = (
    ProgramReview, Evaluation, CountryAssessment, CriterionScore, CountryPriorityTier, BriefSettings,
    Program, Funding, Recommendation,
)


def _fingerprint_sql() -> str:
    parts = []
    for model in BRIEF_INPUTS:
        if any(f.name == "updated_at" for f in model._meta.get_fields()):
            parts.append(f"(SELECT MAX(updated_at) FROM {model._meta.db_table})")
        parts.append(f"(SELECT MAX(history_id) FROM {model.history.model._meta.db_table})")
    return "SELECT " + ", ".join(parts)


def brief_fingerprint(base_url: str = "") -> str:
    """A fingerprint (hex SHA-256) of everything a brief shows (see the module docstring)
    and of ``base_url``, the portal's address its links start with. Two queries."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        row = cursor.fetchone()
    text = "|".join([f"b{BRIEF_DEFINITION}", base_url, inputs_version(),
                     *("" if v is None else str(v) for v in row)])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StoredBrief:
    """A brief as stored: the fingerprint it was made under, when it was made (the date
    printed on it) and the PDF."""

    fingerprint: str
    generated_at: dt.datetime
    pdf: bytes


def brief_key(scope: str) -> str:
    """Where the brief of ``scope`` ("country:<id>", "portfolio") is stored."""
    return f"briefs:{scope}"


def stored_brief(scope: str, make: Callable[[], tuple[dt.datetime, bytes]], *, base_url: str) -> StoredBrief:
    """The brief of ``scope`` whose links start with ``base_url``: the stored one when
    its fingerprint is current, else ``make()`` (returning when it was made and the
    PDF), stored and returned."""
    cache = caches[CACHE_ALIAS]
    fingerprint = brief_fingerprint(base_url)  # before the data: see the module docstring
    stored = cache.get(brief_key(scope))
    if stored is not None and stored.fingerprint == fingerprint:
        return stored
    generated_at, pdf = make()
    brief = StoredBrief(fingerprint, generated_at, pdf)
    cache.set(brief_key(scope), brief)
    return brief

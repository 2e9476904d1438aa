"""Reads for the cross-app pages."""
from __future__ import annotations

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from programs.models import Country, DeferredTask, MeasureOfEffectiveness, Measurement, Program


def _url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(fallback)


def home_overview() -> dict:
    """What the portal holds, as tiles linking to the lists (one query per table)."""
    programs = Program.objects.aggregate(
        total=Count("id", filter=Q(archived_at__isnull=True)),
    )
    tiles = [
        {"label": "partner countries", "count": Country.objects.count(), "url": _url("dashboards:country-list", "admin:programs_country_changelist")},
        {"label": "programs", "count": programs["total"], "url": _url("programs:program-list", "admin:programs_program_changelist")},
        {"label": "measures of effectiveness", "count": MeasureOfEffectiveness.objects.count(), "url": _url("programs:program-list", "admin:programs_measureofeffectiveness_changelist")},
        {"label": "measurements", "count": Measurement.objects.count(), "url": _url("programs:program-list", "admin:programs_measurement_changelist")},
    ]
    return {"tiles": tiles, "pending_deferred": DeferredTask.objects.count()}

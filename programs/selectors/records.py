"""Reads of the other records: list querysets with the joins their pages and exports show."""
from __future__ import annotations

from django.db.models import Count, QuerySet

from ..models import DonorEngagement, ImplementingPartner, Objective, PartnerInstitution, Strategy, Vetting


def partner_institutions() -> QuerySet[PartnerInstitution]:
    """Partner institutions with their country and program_count, by country and name."""
    return PartnerInstitution.objects.select_related("country").annotate(program_count=Count("programs", distinct=True)).order_by(
        "country__name", "name", "pk"
    )


def implementing_partners() -> QuerySet[ImplementingPartner]:
    """Implementing partners with program_count, by name."""
    return ImplementingPartner.objects.annotate(program_count=Count("programs", distinct=True)).order_by("name", "pk")


def vettings() -> QuerySet[Vetting]:
    """Vetting requests with their institution and its country."""
    return Vetting.objects.select_related("institution__country")


def donor_engagements() -> QuerySet[DonorEngagement]:
    """Other donors' engagements with donor, country and sector."""
    return DonorEngagement.objects.select_related("donor", "country", "sector")


def strategies() -> QuerySet[Strategy]:
    """Strategies with their country or region and objective_count, by title."""
    return Strategy.objects.select_related("country", "region").annotate(
        objective_count=Count("objectives", distinct=True)
    ).order_by("title", "pk")


def objectives() -> QuerySet[Objective]:
    """Strategy objectives with their strategy and goals (prefetched)."""
    return Objective.objects.select_related("strategy").prefetch_related("goals")

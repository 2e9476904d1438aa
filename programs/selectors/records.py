"""Reads of the other records: list querysets with the joins their pages and exports show."""
from __future__ import annotations

from django.db.models import Count, QuerySet

from ..models import DonorEngagement, ImplementingPartner, Objective, PartnerInstitution, Strategy, Vetting


def partner_institutions() -> QuerySet[PartnerInstitution]:
    return PartnerInstitution.objects.select_related("country").annotate(program_count=Count("programs", distinct=True)).order_by(
        "country__name", "name", "pk"
    )


def implementing_partners() -> QuerySet[ImplementingPartner]:
    return ImplementingPartner.objects.annotate(program_count=Count("programs", distinct=True)).order_by("name", "pk")


def vettings() -> QuerySet[Vetting]:
    return Vetting.objects.select_related("institution__country")


def donor_engagements() -> QuerySet[DonorEngagement]:
    return DonorEngagement.objects.select_related("donor", "country", "sector")


def strategies() -> QuerySet[Strategy]:
    return Strategy.objects.select_related("country", "region").annotate(
        objective_count=Count("objectives", distinct=True)
    ).order_by("title", "pk")


def objectives() -> QuerySet[Objective]:
    return Objective.objects.select_related("strategy").prefetch_related("goals")

"""Reads of the other records: list querysets with the joins their pages and exports show."""
from __future__ import annotations

from django.db.models import CharField, Count, Q, QuerySet, Value
from django.db.models.functions import Concat

from ..models import DonorEngagement, ImplementingPartner, Objective, PartnerInstitution, Strategy, Vetting
from .programs import PICKER_RESULTS
from infrastructure.sorting import by_name


def partner_institutions() -> QuerySet[PartnerInstitution]:
    """Partner institutions with their country and program_count, by country and name."""
    return PartnerInstitution.objects.select_related("country").annotate(program_count=Count("programs", distinct=True)).order_by(
        by_name("country__name"), by_name("name"), "pk"
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


# The partner institutions an institution picker offers: those not archived (every
# signed-in user reads every institution; an archived one takes no new vetting record).
PICKABLE_INSTITUTION = Q(archived_at__isnull=True)


def institution_label(name: str, iso3: str) -> str:
    """How a picker names a partner institution, and what its box holds: "name (ISO3)"
    (an institution's name is unique in its country)."""
    return f"{name} ({iso3})"


def institution_search(text: str, *, limit: int = PICKER_RESULTS) -> list[tuple[str, str]]:
    """Pickable partner institutions whose label ("name (ISO3)", ``institution_label``)
    contains ``text`` (any case; NUL characters, which PostgreSQL refuses, dropped), by
    name and country: at most ``limit`` rows of (name, ISO3), in one query. An empty
    ``text`` gives the first institutions by name. At 6,074 institutions a sequential
    scan of a few milliseconds (docs/performance.md, "Program pickers")."""
    queryset = PartnerInstitution.objects.filter(PICKABLE_INSTITUTION)
    text = text.replace("\x00", "").strip()
    if text:
        label = Concat("name", Value(" ("), "country__iso3", Value(")"), output_field=CharField())
        queryset = queryset.alias(label=label).filter(label__icontains=text)
    return list(queryset.order_by("name", "country__iso3").values_list("name", "country__iso3")[:limit])

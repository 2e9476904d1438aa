"""What belongs to a program's countries: the objectives (of strategies for those
countries or for the regions they belong to) and the partner institutions (of those
countries). One definition for the program form's narrowed lists (htmx) and the rule the
program services apply on every write path (``services.programs.check_country_scope``)."""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from ..models import Country, Objective, PartnerInstitution
from infrastructure.sorting import by_name


def objectives_of_countries(country_ids: Iterable[int], *, keep: Iterable[int] = ()) -> QuerySet[Objective]:
    """Objectives (not archived) of country strategies of ``country_ids`` or of regional
    strategies of their State bureaus or combatant commands; plus ``keep`` (those a
    program already serves: an edit never drops them unasked)."""
    ids = list(country_ids)
    countries = Country.objects.filter(pk__in=ids)
    in_scope = Q(archived_at__isnull=True, strategy__archived_at__isnull=True) & (
        Q(strategy__country_id__in=ids)
        | Q(strategy__region_id__in=countries.values("state_bureau_id"))
        | Q(strategy__region_id__in=countries.values("combatant_command_id"))
    )
    return Objective.objects.filter(in_scope | Q(pk__in=list(keep))).select_related("strategy").order_by("strategy__title", "code")


def institutions_of_countries(country_ids: Iterable[int], *, keep: Iterable[int] = ()) -> QuerySet[PartnerInstitution]:
    """Partner institutions (not archived) of ``country_ids``, plus ``keep``."""
    return PartnerInstitution.objects.filter(
        Q(archived_at__isnull=True, country_id__in=list(country_ids)) | Q(pk__in=list(keep))
    ).select_related("country").order_by(by_name("country__name"), by_name("name"))

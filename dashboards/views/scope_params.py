"""The dashboards' scope parameters: a region of either scheme, a priority tier, and the
region choices of the filter form."""
from __future__ import annotations

from django.http import Http404

from programs.models import Country, PriorityTier, Region, RegionScheme

from ..selectors.country import country_find
from ..selectors.overview import region_find
from ..tables.links import SCHEME_SLUG_OF, SCHEME_SLUGS


def region_from_param(value: str | None) -> Region | None:
    """``bureau:AF`` or ``command:AFRICOM`` -> Region; empty -> None; unknown -> 404."""
    if not value:
        return None
    slug, _, code = value.partition(":")
    scheme = SCHEME_SLUGS.get(slug)
    region = region_find(scheme=scheme, code=code) if scheme else None
    if region is None:
        raise Http404("Unknown region; use e.g. bureau:AF or command:AFRICOM.")
    return region


def region_from_path(scheme_slug: str, code: str) -> Region:
    """The region of a dashboard URL (``bureau``/``command`` and a code); 404 if unknown."""
    scheme = SCHEME_SLUGS.get(scheme_slug)
    if scheme is None:
        raise Http404("Unknown region scheme; use 'bureau' or 'command'.")
    region = region_find(scheme=scheme, code=code)
    if region is None:
        raise Http404("No such region.")
    return region


def country_from_param(iso3: str) -> Country:
    """The country of an ISO code in a URL or query string; 404 if unknown."""
    country = country_find(iso3=iso3)
    if country is None:
        raise Http404("No such country.")
    return country


def tier_from_param(value: str | None) -> int | None:
    """A priority tier ("1".."4") -> int; anything else -> None (any tier)."""
    if value in {str(t) for t in PriorityTier.values}:
        return int(value)
    return None


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The region filter's options, grouped by scheme: ("bureau:AF", "AF Africa")."""
    regions = list(Region.objects.order_by("scheme", "code").values_list("scheme", "code", "name"))
    groups = []
    for scheme, label in ((RegionScheme.STATE_BUREAU, "State bureaus"), (RegionScheme.COMBATANT_COMMAND, "Combatant commands")):
        groups.append((label, [(f"{SCHEME_SLUG_OF[scheme]}:{code}", f"{code} {name}") for s, code, name in regions if s == scheme]))
    return groups

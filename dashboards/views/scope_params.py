"""The dashboards' and reports' scope parameters: a country, a region of either scheme, a
priority tier, and the region choices of the filter form.

In a query string they are read by ``ScopeQuery``, the pattern of every filter of the
portal's pages (``programs.filters.ApprovalFilter.matching``): a value that names nothing
(``?country=ZZZ``, ``?region=bureau:XX``, ``?tier=9``) is the form's error on its field,
the page still renders (200) and its figures match nothing, never the whole portfolio and
never a 404. A country or region in a URL's path names a page: unknown, it is a 404.
"""
from __future__ import annotations

from django import forms
from django.http import Http404

from programs.filters import UNKNOWN_COUNTRY_CODE
from programs.models import Country, PriorityTier, Region, RegionScheme

from ..selectors.country import country_find
from ..selectors.overview import region_find
from ..tables.links import SCHEME_SLUG_OF, SCHEME_SLUGS
from infrastructure.forms import PortalForm


class ScopeQuery(PortalForm):
    """``country`` (ISO code), ``region`` (``bureau:AF``, ``command:AFRICOM``) and ``tier``
    (1-4) of a page's query string; each empty for "any". Valid, ``scope()`` gives the
    Country, Region and tier (None for any); not valid, ``country_ids()`` is ``[]``."""

    country = forms.CharField(required=False, max_length=40, label="Country")
    region = forms.CharField(required=False, max_length=40, label="Region")
    tier = forms.CharField(required=False, max_length=40, label="Priority tier")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def clean_country(self) -> Country | None:
        iso3 = self.cleaned_data["country"].strip()
        if not iso3:
            return None
        country = country_find(iso3=iso3)
        if country is None:
            raise forms.ValidationError(UNKNOWN_COUNTRY_CODE(iso3))
        return country

    def clean_region(self) -> Region | None:
        value = self.cleaned_data["region"].strip()
        if not value:
            return None
        slug, _, code = value.partition(":")
        scheme = SCHEME_SLUGS.get(slug)
        region = region_find(scheme=scheme, code=code) if scheme else None
        if region is None:
            raise forms.ValidationError(f"No region '{value}'; use e.g. bureau:AF or command:AFRICOM.")
        return region

    def clean_tier(self) -> int | None:
        value = self.cleaned_data["tier"].strip()
        if not value:
            return None
        if value not in {str(t) for t in PriorityTier.values}:
            raise forms.ValidationError(f"No priority tier '{value}'; choose a tier from 1 to 4.")
        return int(value)

    def value(self, name: str):
        """The Country, Region or tier of ``name`` (None: any, or not valid)."""
        return self.cleaned_data.get(name) if self.is_valid() else None

    def country_ids(self) -> list[int] | None:
        """The countries the page is limited to: ``[]`` while the query is not valid, the
        chosen country's id, else None (the other parameters decide)."""
        if not self.is_valid():
            return []
        country = self.cleaned_data.get("country")
        return [country.id] if country else None


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
    """The country of an ISO code in a URL's path (a country's page); 404 if unknown."""
    country = country_find(iso3=iso3)
    if country is None:
        raise Http404("No such country.")
    return country


def region_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The region filter's options, grouped by scheme: ("bureau:AF", "AF Africa")."""
    regions = list(Region.objects.order_by("scheme", "code").values_list("scheme", "code", "name"))
    groups = []
    for scheme, label in ((RegionScheme.STATE_BUREAU, "State bureaus"), (RegionScheme.COMBATANT_COMMAND, "Combatant commands")):
        groups.append((label, [(f"{SCHEME_SLUG_OF[scheme]}:{code}", f"{code} {name}") for s, code, name in regions if s == scheme]))
    return groups

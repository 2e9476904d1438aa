"""Where a dashboard row links to: a country's or a region's dashboard (a program's page:
``programs.links``).
Each address is reversed once per process and formatted per row (a table of 200 rows
does not call ``reverse`` 200 times)."""
from __future__ import annotations

from functools import lru_cache

from django.urls import NoReverseMatch, reverse

from programs.models import RegionScheme

SCHEME_SLUGS = {"bureau": RegionScheme.STATE_BUREAU, "command": RegionScheme.COMBATANT_COMMAND}
SCHEME_SLUG_OF = {value: key for key, value in SCHEME_SLUGS.items()}


@lru_cache(maxsize=16)
def _pattern(name: str, key: str, placeholder: str) -> str:
    return reverse(name, kwargs={key: placeholder}).replace(placeholder, "{}")


def country_url(iso3: str) -> str:
    """The country dashboard's address."""
    return _pattern("dashboards:country", "iso3", "ZZZZZ").format(iso3)


def region_url(scheme: str, code: str) -> str:
    """The region dashboard's address (``scheme``: a RegionScheme value)."""
    return reverse("dashboards:region", kwargs={"scheme": SCHEME_SLUG_OF[scheme], "code": code})


def url_or_none(name: str, **kwargs) -> str | None:
    """The address of an optional page, or None where its app is not installed."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None

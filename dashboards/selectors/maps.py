"""Reads of the dashboards' maps: each country's figures (the same stored figure sets and
scores the dashboards' tables show) and the links regional and cross-border programs
draw between countries. A fixed number of queries per map, whatever the number of
countries: the stored funding figures (the dashboard's own set), the countries with their
rollups, their bands, and (region maps) the region's countries, the links and the linked
countries' names.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from assessments.selectors import current_bands
from infrastructure.sql import ids_in
from programs.fiscal import funding_window
from programs.models import Country, Region

from ..maps import colouring, drawing, geometry
from ..maps.colouring import MapCountry
from ..maps.drawing import CountryLink, DrawnMap
from . import funding, snapshots
from ..tables.links import country_url
from .overview import region_country_ids
from infrastructure.sorting import by_name

LINKS_SQL = """
    SELECT a.country_id, b.country_id, COUNT(DISTINCT a.program_id)
    FROM programs_program_countries a
    JOIN programs_program_countries b ON b.program_id = a.program_id AND b.country_id > a.country_id
    JOIN programs_program p ON p.id = a.program_id AND p.archived_at IS NULL
    WHERE {a_in} OR {b_in}
    GROUP BY a.country_id, b.country_id
"""


def country_links(country_ids: list[int]) -> list[tuple[int, int, int]]:
    """(country id, other country id (the larger), programs) for every pair of countries
    that programs not archived share, at least one of the pair in ``country_ids``: the
    lines of a region's map. One query."""
    a_in, a_params = ids_in("a.country_id", country_ids)
    b_in, b_params = ids_in("b.country_id", country_ids)
    with connection.cursor() as cursor:
        cursor.execute(LINKS_SQL.format(a_in=a_in, b_in=b_in), [*a_params, *b_params])
        return sorted((int(a), int(b), int(n)) for a, b, n in cursor.fetchall())


def country_links_reference(memberships: Iterable[tuple[int, list[int]]],
                            country_ids: list[int]) -> list[tuple[int, int, int]]:
    """The pure reference of :func:`country_links`: ``memberships`` = (program id, its
    country ids) of programs not archived."""
    scope = set(country_ids)
    pairs: Counter = Counter()
    for _, members in memberships:
        members = sorted(set(members))
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a in scope or b in scope:
                    pairs[(a, b)] += 1
    return sorted((a, b, n) for (a, b), n in pairs.items())


def _stored_funding(country_ids: list[int] | None, scope: str, window: tuple[int, int], *,
                    current: bool = False) -> dict[int, dict]:
    """The dashboard's own stored figure set ``funding_by_country`` of ``scope``
    (``current``: never an outdated one, see ``snapshots.figures``)."""
    stored, _ = snapshots.figures(f"{scope}:{window[0]}", {
        "funding_by_country": lambda: funding.funding_by_country(country_ids, window)}, current=current)
    return stored["funding_by_country"]


def map_countries(country_ids: list[int] | None, country_funding: dict[int, dict]) -> list[MapCountry]:
    """The countries a map colours (those with programs or a priority tier, as in the
    dashboards' tables), with their obligated funding over the window (from
    ``country_funding``, the stored figure set ``funding_by_country``), band and rollup."""
    countries = Country.objects.filter(Q(id__in=list(country_funding)) | Q(priority_tier__isnull=False))
    if country_ids is not None:
        countries = countries.filter(id__in=country_ids)
    # Plain rows, not model instances: a world map reads ~200 countries with their rollups.
    countries = list(countries.order_by(by_name()).values_list(
        "id", "iso3", "name", "rollup__achievement", "rollup__status"))
    bands = current_bands([pk for pk, *_ in countries])
    rows = []
    for pk, iso3, name, achievement, status in countries:
        money = country_funding.get(pk, {})
        rows.append(MapCountry(
            iso3=iso3, name=name, url=country_url(iso3), band=bands.get(pk, ""),
            obligated=money.get("window_obligated", Decimal(0)),
            achievement=achievement, status=status or "no_data",
            running=money.get("running", 0), programs=money.get("programs", 0)))
    return rows


def portfolio_map(*, choice: str, interactive: bool = True,
                  country_funding: dict[int, dict] | None = None) -> DrawnMap:
    """The world map of the portfolio coloured by ``choice`` (band, funding or rollup).
    ``country_funding``: the portfolio dashboard's figure set when it is at hand (else read
    from the store)."""
    window = funding_window()
    if country_funding is None:
        country_funding = _stored_funding(None, "portfolio", window)
    countries = map_countries(None, country_funding)
    scale = colouring.scale_for(choice, countries, window)
    return drawing.draw_map(shapes=geometry.world_shapes(), countries=countries, scale=scale,
                            title=f"World map: {scale.title}", interactive=interactive)


def region_map(*, region: Region, choice: str, interactive: bool = True, country_ids: list[int] | None = None,
               country_funding: dict[int, dict] | None = None, current: bool = False) -> DrawnMap:
    """The map of ``region``'s countries coloured by ``choice``, framed on the region, with
    lines between countries that regional and cross-border programs link.
    ``country_ids`` and ``country_funding``: the region dashboard's, when at hand;
    ``current``: never outdated stored figures (the PDF briefs, which are stored)."""
    window = funding_window()
    ids = country_ids if country_ids is not None else region_country_ids(region)
    if country_funding is None:
        country_funding = _stored_funding(ids, f"region:{region.id}", window, current=current)
    countries = map_countries(ids, country_funding)
    pairs = country_links(ids)  # read live: one indexed query, tens of milliseconds at the large size
    linked = {i for a, b, _ in pairs for i in (a, b)}
    known = {cid: (iso3, name) for cid, iso3, name in
             Country.objects.filter(Q(id__in=ids) | Q(id__in=linked)).values_list("id", "iso3", "name")}
    iso3s = {cid: iso3 for cid, (iso3, _) in known.items()}
    links = [CountryLink(known[a][0], known[b][0], known[a][1], known[b][1], n) for a, b, n in pairs]
    scale = colouring.scale_for(choice, countries, window)
    return drawing.draw_map(shapes=geometry.world_shapes(), countries=countries, scale=scale,
                            title=f"Map of {region.code}: {scale.title}", frame_iso3s=[iso3s[i] for i in ids],
                            links=links, interactive=interactive)

"""The dashboards' maps: TopoJSON decoding and projection (pure), colour classes, the
figures a map shows (the dashboards' own), regional program links (SQL held equal to its
reference), countries too small to see, and flat query counts."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.maps import colouring, geometry
from dashboards.maps.colouring import MapCountry
from dashboards.maps.drawing import MIN_VISIBLE_AREA, draw_map
from dashboards.selectors import funding, maps
from dashboards.selectors.overview import region_country_ids
from programs import models as m
from programs.fiscal import funding_window
from tests import factories
from tests.factories.dashboards import portfolio_build, summarise

pytestmark = pytest.mark.django_db


# --- geometry (pure) ---------------------------------------------------------------


def test_arcs_decode_from_deltas_and_rings_join_reversed_arcs_once():
    # Given two quantised arcs: a square's left half and right half
    arcs = geometry.decode_arcs([[[0, 0], [0, 10], [10, 0]], [[0, 0], [10, 0], [0, 10]]], [1.0, 1.0], [100.0, 50.0])
    assert arcs[0] == [(100.0, 50.0), (100.0, 60.0), (110.0, 60.0)]
    # When a ring names arc 0 then arc 1 reversed (~1)
    ring = geometry.ring_positions([0, ~1], arcs)
    # Then the shared point is kept once and the ring closes on its start
    assert ring == [(100.0, 50.0), (100.0, 60.0), (110.0, 60.0), (110.0, 50.0), (100.0, 50.0)]
    assert abs(geometry.ring_area(ring)) == 100.0
    assert geometry.ring_centroid(ring) == pytest.approx((105.0, 55.0))


def test_natural_earth_projection_is_centred_symmetric_and_bounded():
    assert geometry.natural_earth(0, 0) == (0.0, 0.0)
    x, y = geometry.natural_earth(90, 45)
    assert geometry.natural_earth(-90, -45) == pytest.approx((-x, -y))
    # d3-geo's geoNaturalEarth1Raw at the corner of the world (radians)
    assert geometry.natural_earth(180, 0)[0] == pytest.approx(2.7354, abs=1e-4)
    assert geometry.to_svg(-180, 0)[0] == pytest.approx(0.0) and geometry.to_svg(180, 0)[0] == pytest.approx(960.0)


def test_world_shapes_map_iso_numeric_ids_and_named_features_to_alpha3():
    shapes = geometry.world_shapes()
    assert {"KEN", "NGA", "USA", "RUS", "FJI"} <= set(shapes)
    assert "XKX" in shapes  # Kosovo has no ISO numeric id: matched by name through the country aliases
    assert "ATA" not in shapes
    assert shapes["KEN"].name == "Kenya"
    # Fiji and Russia straddle the antimeridian: unwrapped, never a line across the world
    assert shapes["FJI"].bbox[2] - shapes["FJI"].bbox[0] < 20
    assert shapes["RUS"].bbox[0] > 100  # Chukotka drawn just past the right edge, not at the far left


# --- colours (pure) ----------------------------------------------------------------


def _country(iso3: str, *, obligated: int = 0, band: str = "", status: str = "no_data") -> MapCountry:
    return MapCountry(iso3, iso3, f"/c/{iso3}/", band, Decimal(obligated), None, status, 0, 0)


def test_funding_classes_are_quintiles_and_every_country_falls_in_its_legend_class():
    countries = [_country(f"C{i:02d}", obligated=i * 1_000_000) for i in range(0, 11)]
    # positive amounts $1 M .. $10 M: 20th..80th percentiles by nearest rank
    assert colouring.quintile_breaks([c.obligated for c in countries]) == [3.0, 5.0, 7.0, 9.0]
    scale = colouring.funding_scale(countries, (2025, 2027))
    assert scale.class_of("C00").key == "none"
    assert scale.class_of("C02").key == "f0" and scale.class_of("C03").key == "f1"
    assert scale.class_of("C10").key == "f4"
    assert [c.label for c in scale.classes][-2:] == ["$9 M or more", "No obligations"]


def test_band_and_rollup_classes_follow_the_stored_keys():
    countries = [_country("AAA", band="invest", status="on_track"), _country("BBB")]
    bands = colouring.band_scale(countries)
    assert bands.class_of("AAA").colour == "#1a4480" and bands.class_of("BBB").key == "no_data"
    assert colouring.rollup_scale(countries).class_of("AAA").key == "on_track"
    assert colouring.choice_from_param("rollup") == "rollup" and colouring.choice_from_param("x") == "band"


def test_a_country_too_small_to_see_is_listed_beside_the_map():
    shapes = geometry.world_shapes()
    assert shapes["LUX"].area < MIN_VISIBLE_AREA < shapes["KEN"].area
    countries = [_country("LUX", band="sustain"), _country("KEN", band="invest"), _country("SGP", band="review")]
    drawn = draw_map(shapes=shapes, countries=countries, scale=colouring.band_scale(countries), title="t")
    # Luxembourg is too small at world scale, Singapore is not in the 1:110m data at all
    assert [c.iso3 for c, _ in drawn.small] == ["LUX", "SGP"]
    svg = str(drawn.svg)
    assert 'data-iso3="KEN"' in svg and 'aria-label="KEN: Invest"' in svg and "<title>KEN: Invest</title>" in svg


# --- figures from the database -----------------------------------------------------


def test_map_figures_are_the_dashboards_figures():
    # Given the synthetic portfolio with its rollups and scores
    portfolio_build()
    window = funding_window()
    drawn = maps.portfolio_map(choice="funding")
    by_country = funding.funding_by_country(None, window)
    iso3_ids = dict(m.Country.objects.values_list("iso3", "id"))
    # Then each country's figure is the dashboards' obligated funding over the window
    rows = {country.iso3: country for country, _, _ in drawn.rows}
    assert set(rows) == {"KEN", "NGA", "GHA", "COL", "PER"}
    for iso3, country in rows.items():
        assert country.obligated == by_country[iso3_ids[iso3]]["window_obligated"]
    # and its colour class, in the SVG, the table and the legend, is the scale's
    scale = colouring.funding_scale(list(rows.values()), window)
    for country, legend, _ in drawn.rows:
        assert legend == scale.class_of(country.iso3)
        assert f'data-iso3="{country.iso3}" data-class="{legend.key}"' in str(drawn.svg)
    bands = maps.portfolio_map(choice="band")
    kenya = next(legend for country, legend, _ in bands.rows if country.iso3 == "KEN")
    score = factories.country("KEN").selectivity_scores.order_by("-id").first()
    assert kenya.key == score.band


def test_regional_program_links_equal_their_reference():
    # Given the synthetic portfolio (a KEN + NGA program) and a cross-border AF-WHA program
    portfolio_build()
    factories.ProgramFactory(code="MAP-X1", countries=[factories.country("GHA"), factories.country("COL")])
    af = m.Region.objects.get(scheme=m.RegionScheme.STATE_BUREAU, code="AF")
    ids = region_country_ids(af)
    memberships = [(p.id, [c.id for c in p.countries.all()])
                   for p in m.Program.objects.filter(archived_at__isnull=True).prefetch_related("countries")]
    links = maps.country_links(ids)
    assert links == maps.country_links_reference(memberships, ids)
    named = {(a, b) for a, b, _ in links}
    ken, nga, gha, col = (factories.country(i).id for i in ("KEN", "NGA", "GHA", "COL"))
    assert (min(ken, nga), max(ken, nga)) in named and (min(gha, col), max(gha, col)) in named
    drawn = maps.region_map(region=af, choice="band")
    assert {frozenset((link.iso3_a, link.iso3_b)) for link in drawn.links} == {
        frozenset(("KEN", "NGA")), frozenset(("GHA", "COL"))}
    assert str(drawn.svg).count("<line ") == 2


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_maps_add_no_query_per_country(client, manager):
    # Given a portfolio, and the dashboards' figures stored
    portfolio_build()
    client.force_login(manager)
    portfolio = reverse("dashboards:portfolio") + "?map=rollup"
    region = reverse("dashboards:region", kwargs={"scheme": "bureau", "code": "AF"}) + "?map=funding"
    client.get(portfolio), client.get(region)
    before = (_queries(client, portfolio), _queries(client, region))
    # When programs arrive in more countries of the region and elsewhere
    for iso3 in ("UGA", "TZA", "ETH", "SEN", "MLI", "BRA", "IND"):
        factories.ProgramFactory(countries=[factories.country(iso3), factories.country("KEN")])
    summarise()
    client.get(portfolio), client.get(region)
    # Then the pages ask the same number of queries
    assert (_queries(client, portfolio), _queries(client, region)) == before
    page = client.get(region).content.decode()
    assert 'id="map-section"' in page and 'data-iso3="UGA"' in page and "<line " in page

"""Country outlines for the dashboards' maps: Natural Earth 1:110m (the npm package
``world-atlas`` 2.0.2, vendored in ``static/vendor/world-atlas/``), decoded from TopoJSON
and projected once per process (pure Python, no database).

TopoJSON (https://github.com/topojson/topojson-specification): arcs are delta-encoded
integer positions; a position is ``translate + scale * (x, y)``; a geometry names its
rings as arc indices, ``~i`` (i.e. ``-i - 1``) meaning arc ``i`` reversed, and consecutive
arcs of a ring share their joining point (dropped once).

Projection: Natural Earth I (Šavrič, Jenny, Patterson and Jenny 2011, "A polynomial
equation for the Natural Earth projection"; the coefficients are d3-geo's
``geoNaturalEarth1Raw``), scaled so that the world is ``WORLD_WIDTH`` units wide, y
pointing down (SVG). Antarctica is left out (no assistance goes there, and it would take a
third of the height). The few rings world-atlas stitched across the antimeridian are
unwrapped (:func:`unwrapped`).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry
from django.conf import settings

WORLD_ATLAS = Path(settings.BASE_DIR) / "static" / "vendor" / "world-atlas" / "countries-110m.json"
WORLD_WIDTH = 960.0
ANTARCTICA = "ATA"

Point = tuple[float, float]
Ring = list[Point]


def natural_earth(longitude: float, latitude: float) -> Point:
    """Natural Earth I of a position in degrees -> unscaled plane coordinates (radians
    of the equator; x in [-2.73, 2.73], y up)."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2 - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2 - 0.005916 * phi4)))
    return x, y


# The projected world's extent (longitude +-180 at the equator, latitude +-90 at 0).
_X_MAX = natural_earth(180.0, 0.0)[0]
_Y_MAX = natural_earth(0.0, 90.0)[1]
SCALE = WORLD_WIDTH / (2 * _X_MAX)
WORLD_HEIGHT = round(2 * _Y_MAX * SCALE, 1)


def to_svg(longitude: float, latitude: float) -> Point:
    """A position in degrees -> SVG units of the world map (origin top left)."""
    x, y = natural_earth(longitude, latitude)
    return (x + _X_MAX) * SCALE, (_Y_MAX - y) * SCALE


def decode_arcs(arcs: list[list[list[int]]], scale: list[float], translate: list[float]) -> list[list[Point]]:
    """Quantised, delta-encoded TopoJSON arcs -> lists of (longitude, latitude)."""
    decoded = []
    for arc in arcs:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((translate[0] + scale[0] * x, translate[1] + scale[1] * y))
        decoded.append(points)
    return decoded


def ring_positions(arc_indices: list[int], arcs: list[list[Point]]) -> Ring:
    """One ring as positions, its arcs joined (``~i`` = arc i reversed)."""
    ring: Ring = []
    for index in arc_indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def unwrapped(ring: Ring) -> Ring:
    """A ring that crosses the antimeridian (world-atlas stitches Russia's and Fiji's
    rings across it: a step of more than 180 degrees of longitude) made continuous by
    moving its minority side by 360 degrees, so that it is drawn a little beyond the map's
    edge (and clipped there) instead of as a line across the whole world."""
    if not any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:])):
        return ring
    east = sum(1 for lon, _ in ring if lon > 0)
    if east >= len(ring) - east:
        return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]
    return [(lon - 360 if lon > 0 else lon, lat) for lon, lat in ring]


def ring_area(ring: Ring) -> float:
    """Signed area by the shoelace formula (in the ring's units, squared)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def ring_centroid(ring: Ring) -> Point:
    """Centroid of a simple polygon (its vertices' mean when it has no area)."""
    area = ring_area(ring)
    if abs(area) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)


def ring_bbox(points: Ring) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of points."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class Shape:
    """One country as drawn: its polygons (each an outer ring then holes) in SVG units of
    the world map, its area there (units squared), the centroid of its largest polygon
    (where lines of regional programs meet), its bounding box (x0, y0, x1, y1) and that
    of its largest polygon (what a region's map frames: Fiji and Russia straddle the
    antimeridian, and their far-flung islands would make a region the whole world)."""

    iso3: str
    name: str
    polygons: tuple[tuple[Ring, ...], ...]
    area: float
    centroid: Point
    bbox: tuple[float, float, float, float]
    main_bbox: tuple[float, float, float, float]


def _alpha3(feature: dict, names: dict[str, str]) -> str | None:
    """ISO alpha-3 of a feature: its ISO numeric id through pycountry, or, for the few
    without one (Kosovo), its name through the portal's country aliases."""
    if feature.get("id"):
        entry = pycountry.countries.get(numeric=str(feature["id"]).zfill(3))
        if entry is not None:
            return entry.alpha_3
    from programs.importing.countries import normalise_name

    return names.get(normalise_name(feature.get("properties", {}).get("name", "")))


def shapes_from_topology(topology: dict, names: dict[str, str]) -> dict[str, Shape]:
    """The countries of a world-atlas topology, by ISO alpha-3 (features that map to no
    ISO code, such as "N. Cyprus" or "Somaliland", are left out). ``names``: normalised
    name -> alpha-3, for features without an id."""
    transform = topology["transform"]
    arcs = decode_arcs(topology["arcs"], transform["scale"], transform["translate"])
    shapes: dict[str, Shape] = {}
    for feature in topology["objects"]["countries"]["geometries"]:
        iso3 = _alpha3(feature, names)
        if iso3 is None or iso3 == ANTARCTICA or feature.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons_arcs = feature["arcs"] if feature["type"] == "MultiPolygon" else [feature["arcs"]]
        polygons = tuple(
            tuple([to_svg(lon, lat) for lon, lat in unwrapped(ring_positions(ring, arcs))] for ring in polygon)
            for polygon in polygons_arcs
        )
        outer_areas = [abs(ring_area(polygon[0])) for polygon in polygons]
        area = sum(outer_areas) - sum(abs(ring_area(hole)) for polygon in polygons for hole in polygon[1:])
        largest = polygons[outer_areas.index(max(outer_areas))][0]
        shapes[iso3] = Shape(iso3, feature.get("properties", {}).get("name", iso3), polygons, area,
                             ring_centroid(largest), ring_bbox([p for polygon in polygons for p in polygon[0]]),
                             ring_bbox(largest))
    return shapes


@lru_cache(maxsize=1)
def world_shapes() -> dict[str, Shape]:
    """Every country of the vendored 1:110m world, projected (read and computed once per
    process: about 0.1 s)."""
    from programs.importing.countries import _name_index_from_files

    with WORLD_ATLAS.open(encoding="utf-8") as handle:
        topology = json.load(handle)
    return shapes_from_topology(topology, _name_index_from_files())


def path_data(shape: Shape, *, offset: Point = (0.0, 0.0), zoom: float = 1.0, precision: int = 1,
              min_step: float = 0.0) -> str:
    """The SVG path ``d`` of a shape, in a frame moved by ``offset`` (world units) and
    enlarged by ``zoom``; coordinates rounded to ``precision`` decimals, and a point
    dropped when it lies within ``min_step`` units (x and y) of the last one kept (rings
    keep at least three points), which halves the points of a printed world map."""
    ox, oy = offset
    parts = []
    for polygon in shape.polygons:
        for ring in polygon:
            points = [(round((x - ox) * zoom, precision), round((y - oy) * zoom, precision)) for x, y in ring]
            if min_step > 0:
                kept = [points[0]]
                for x, y in points[1:]:
                    if abs(x - kept[-1][0]) >= min_step or abs(y - kept[-1][1]) >= min_step:
                        kept.append((x, y))
                points = kept if len(kept) >= 3 else points
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts)

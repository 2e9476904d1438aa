"""Drawing a map as SVG markup, server-side: it prints, goes into the PDF briefs and needs
no script. Pure: shapes from :mod:`.geometry`, figures and colours from
:mod:`.colouring`, links between countries from the caller.

Accessibility (Section 508 / WCAG 2.1 AA): each country with figures is an ``<a>`` to its
dashboard with an ``aria-label`` naming it and its figure, so it is reached by Tab and
read by screen readers; every shape has a ``<title>`` (the name on hover); the colours
are repeated in the legend and the table of figures beside the map; countries too small
to see at the map's scale are listed beside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..tables.columns import money_text, percent_text
from .colouring import NO_FIGURE, LegendClass, MapCountry, Scale
from .geometry import WORLD_HEIGHT, WORLD_WIDTH, Shape, path_data

OUTPUT_WIDTH = 960.0
MAX_HEIGHT = 560.0
MAX_ZOOM = 12.0
# A country whose outline covers less than this many square units of the 960-wide
# picture (about a 3 x 3 pixel square on screen) is listed beside the map.
MIN_VISIBLE_AREA = 9.0


@dataclass(frozen=True)
class CountryLink:
    """Programs linking two countries (regional and cross-border programs)."""

    iso3_a: str
    iso3_b: str
    name_a: str
    name_b: str
    programs: int


@dataclass
class DrawnMap:
    """A drawn map: the SVG, its legend, the countries too small to see (with their class)
    and the table of figures (one row per country with figures, in name order)."""

    title: str
    choice: str
    svg: SafeString
    legend: list[LegendClass]
    small: list[tuple[MapCountry, LegendClass]] = field(default_factory=list)
    rows: list[tuple[MapCountry, LegendClass, str]] = field(default_factory=list)
    links: list[CountryLink] = field(default_factory=list)


def figure_text(scale: Scale, country: MapCountry) -> str:
    """What a country's colour stands for, in words (its hover title and aria-label)."""
    legend = scale.class_of(country.iso3)
    if scale.key == "funding":
        return f"{money_text(country.obligated)} obligated ({legend.label})"
    if scale.key == "rollup":
        if country.achievement is None:
            return legend.label
        return f"{percent_text(country.achievement * 100)} achievement, {legend.label.split(' (')[0].lower()}"
    return legend.label if legend.key != "no_data" else "no selectivity score"


def frame_of(shapes: list[Shape]) -> tuple[tuple[float, float], float, float, float]:
    """Offset (world units), zoom, width and height of a picture framing the largest
    polygons of ``shapes`` with a 5 % margin (the whole world when there are none), at
    most MAX_ZOOM."""
    if not shapes:
        return (0.0, 0.0), OUTPUT_WIDTH / WORLD_WIDTH, OUTPUT_WIDTH, WORLD_HEIGHT * OUTPUT_WIDTH / WORLD_WIDTH
    x0 = min(s.main_bbox[0] for s in shapes)
    y0 = min(s.main_bbox[1] for s in shapes)
    x1 = max(s.main_bbox[2] for s in shapes)
    y1 = max(s.main_bbox[3] for s in shapes)
    margin_x, margin_y = (x1 - x0) * 0.05 + 2, (y1 - y0) * 0.05 + 2
    x0, y0, x1, y1 = x0 - margin_x, y0 - margin_y, x1 + margin_x, y1 + margin_y
    zoom = min(OUTPUT_WIDTH / (x1 - x0), MAX_HEIGHT / (y1 - y0), MAX_ZOOM)
    return (x0, y0), zoom, round((x1 - x0) * zoom, 1), round((y1 - y0) * zoom, 1)


def _intersects(shape: Shape, offset: tuple[float, float], zoom: float, width: float, height: float) -> bool:
    x0, y0, x1, y1 = ((shape.bbox[0] - offset[0]) * zoom, (shape.bbox[1] - offset[1]) * zoom,
                      (shape.bbox[2] - offset[0]) * zoom, (shape.bbox[3] - offset[1]) * zoom)
    return x1 >= 0 and y1 >= 0 and x0 <= width and y0 <= height


# The SVG path of each shape in each frame, once per process: shapes never change (the
# world is read once, ``geometry.world_shapes``), and a map redrew ~170 paths per view
# (about a fifth of the portfolio page's Python time at the large size). Keyed by the
# shape's identity, the shape kept with its path so that the identity is never reused.
_PATHS: dict[tuple, tuple[Shape, str]] = {}
PATHS_KEPT = 20_000


def framed_path(shape: Shape, *, offset: tuple[float, float], zoom: float, precision: int, min_step: float) -> str:
    """``geometry.path_data`` of ``shape`` in this frame, remembered for the process."""
    key = (id(shape), offset, zoom, precision, min_step)
    kept = _PATHS.get(key)
    if kept is None or kept[0] is not shape:
        if len(_PATHS) >= PATHS_KEPT:
            _PATHS.clear()
        kept = _PATHS[key] = (shape, path_data(shape, offset=offset, zoom=zoom, precision=precision,
                                                min_step=min_step))
    return kept[1]


def draw_map(*, shapes: dict[str, Shape], countries: list[MapCountry], scale: Scale, title: str,
             frame_iso3s: list[str] | None = None, links: list[CountryLink] | None = None,
             interactive: bool = True) -> DrawnMap:
    """The SVG map of ``countries`` coloured by ``scale``. ``frame_iso3s``: the countries
    the picture frames (a region; None: the world). ``links``: lines between the two
    countries' centroids, their width growing with the programs they share.
    ``interactive``: countries are links to their dashboards (False for print)."""
    framed = list(shapes.values()) if frame_iso3s is None else [shapes[i] for i in frame_iso3s if i in shapes]
    offset, zoom, width, height = frame_of(framed)
    # On screen, a tenth of a unit; in print (the PDF briefs) whole units and no point
    # closer than three units (0.6 mm on a letter page at the world map's scale) to the
    # last: the PDF renderer parses and draws every point.
    precision, min_step = (1, 0.4) if interactive else (0, 3.0)
    by_iso3 = {c.iso3: c for c in countries}
    drawn, small = [], []
    for iso3, shape in sorted(shapes.items(), key=lambda item: item[1].name):
        if not _intersects(shape, offset, zoom, width, height):
            continue
        d = framed_path(shape, offset=offset, zoom=zoom, precision=precision, min_step=min_step)
        country = by_iso3.get(iso3)
        if country is None:
            drawn.append(format_html('<path class="map-land" d="{}" fill="{}">{}</path>', d, NO_FIGURE,
                                     format_html("<title>{}</title>", shape.name) if interactive else ""))
            continue
        legend = scale.class_of(iso3)
        if interactive:
            label = f"{country.name}: {figure_text(scale, country)}"
            drawn.append(format_html(
                '<a class="map-country" href="{}" aria-label="{}" data-iso3="{}" data-class="{}">'
                '<path d="{}" fill="{}"><title>{}</title></path></a>', country.url, label, iso3, legend.key, d,
                legend.colour, label))
        else:
            drawn.append(format_html('<path d="{}" fill="{}" data-iso3="{}" data-class="{}"/>', d, legend.colour,
                                     iso3, legend.key))
    for country in sorted(countries, key=lambda c: c.name):
        shape = shapes.get(country.iso3)
        if shape is None or shape.area * zoom * zoom < MIN_VISIBLE_AREA:
            small.append((country, scale.class_of(country.iso3)))
    shown_links = [link for link in links or [] if link.iso3_a in shapes and link.iso3_b in shapes]
    lines_svg = _links_svg(shown_links, shapes, offset, zoom, interactive)
    # Land and lines are clipped to the frame: when the page caps the map's height, the svg's
    # box is wider than its viewBox, and countries past the frame's edge showed there on white.
    svg = format_html(
        '<svg class="map-svg" viewBox="0 0 {} {}" width="{}" height="{}" role="group" aria-labelledby="{}" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title>'
        '<clipPath id="{}"><rect width="{}" height="{}"/></clipPath>'
        '<rect class="map-sea" width="{}" height="{}" fill="#f0f7fd"/>'
        '<g clip-path="url(#{})"><g class="map-countries" stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round">'
        '{}</g>{}</g></svg>',
        width, height, width, height, f"map-title-{scale.key}", f"map-title-{scale.key}", title,
        f"map-frame-{scale.key}", width, height, width, height, f"map-frame-{scale.key}",
        mark_safe("".join(drawn)), lines_svg)
    rows = [(c, scale.class_of(c.iso3), figure_text(scale, c)) for c in sorted(countries, key=lambda c: c.name)]
    return DrawnMap(title=title, choice=scale.key, svg=svg, legend=list(scale.classes), small=small, rows=rows,
                    links=shown_links)


def _links_svg(links: list[CountryLink], shapes: dict[str, Shape], offset: tuple[float, float], zoom: float,
               interactive: bool) -> SafeString | str:
    """The lines of regional and cross-border programs, between the two countries'
    centroids, thicker for more programs: on screen a ``<line>`` each with its
    ``<title>``; in print one ``<path>`` per line width (a region's map has hundreds of
    links, and every element costs the PDF renderer's cascade and drawing)."""
    if not links:
        return ""
    ends, segments = [], {}
    for link in links:
        (ax, ay), (bx, by) = shapes[link.iso3_a].centroid, shapes[link.iso3_b].centroid
        end = (round((ax - offset[0]) * zoom, 1), round((ay - offset[1]) * zoom, 1),
               round((bx - offset[0]) * zoom, 1), round((by - offset[1]) * zoom, 1))
        width = round(min(1.0 + link.programs ** 0.5, 6.0), 1)
        if interactive:
            ends.append(format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"><title>{} and {}: {} regional or '
                'cross-border program{}</title></line>', *end, width, link.name_a, link.name_b, link.programs,
                "" if link.programs == 1 else "s"))
        else:
            segments.setdefault(width, []).append("M{:g},{:g}L{:g},{:g}".format(*end))
    for width, parts in sorted(segments.items()):
        ends.append(format_html('<path d="{}" stroke-width="{}" fill="none"/>', "".join(parts), width))
    return format_html('<g class="map-links" stroke="#162e51" stroke-opacity="0.7" stroke-linecap="round">{}</g>',
                       mark_safe("".join(ends)))


def legend_swatch(colour: str) -> SafeString:
    """A small square of ``colour`` (SVG, so it prints and needs no style attribute)."""
    return format_html('<svg class="map-swatch" width="14" height="14" aria-hidden="true" focusable="false">'
                       '<rect width="14" height="14" fill="{}" stroke="#565c65" stroke-width="0.5"/></svg>', colour)

"""How a map colours its countries: by selectivity band, by obligated funding over the
funding window, or by the country rollup's status. Pure functions of the figures the
dashboards already show (no database); the legend and every country's class come from
the same ``Scale``, so the map, its legend and its table of figures always agree.

Colours are from the U.S. Web Design System palette; a country with no figure is light
grey. Funding classes are quintiles of the countries with obligations in the window
(breaks rounded to two significant figures), so the scale adapts to a region's sums.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

NO_FIGURE = "#dfe1e2"  # base-lighter


@dataclass(frozen=True)
class MapCountry:
    """One country's figures as the map reads them. ``obligated``: USD over the funding
    window; ``achievement``: the country rollup (a fraction, None without data);
    ``status``: the rollup's status key; ``band``: the selectivity band key ("" when
    never scored); ``running``: running programs; ``programs``: programs not archived."""

    iso3: str
    name: str
    url: str
    band: str
    obligated: Decimal
    achievement: float | None
    status: str
    running: int
    programs: int


@dataclass(frozen=True)
class LegendClass:
    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Scale:
    """A colouring: its choice key, title, legend classes and how to read one country."""

    key: str
    title: str
    classes: tuple[LegendClass, ...]
    class_keys: dict[str, str]  # iso3 -> legend class key

    def class_of(self, iso3: str) -> LegendClass:
        key = self.class_keys.get(iso3, self.classes[-1].key)
        return next(c for c in self.classes if c.key == key)


BAND_CLASSES = (
    LegendClass("invest", "Invest", "#1a4480"),
    LegendClass("sustain", "Sustain", "#73b3e7"),
    LegendClass("review", "Review", "#ffbe2e"),
    LegendClass("deprioritise", "Deprioritize", "#d54309"),
    LegendClass("no_data", "No score", NO_FIGURE),
)
STATUS_CLASSES = (
    LegendClass("on_track", "On track (85 % or more)", "#00a91c"),
    LegendClass("needs_attention", "Needs attention (60-85 %)", "#ffbe2e"),
    LegendClass("off_track", "Off track (below 60 %)", "#d54309"),
    LegendClass("no_data", "No data", NO_FIGURE),
)
FUNDING_COLOURS = ("#d9e8f6", "#aacdec", "#73b3e7", "#2378c3", "#1a4480")
CHOICES = {"band": "Selectivity band", "funding": "Obligated funding", "rollup": "MOE achievement (country rollup)"}
DEFAULT_CHOICE = "band"


def choice_from_param(value: str | None) -> str:
    """The colouring asked for (``?map=``), the default when unknown."""
    return value if value in CHOICES else DEFAULT_CHOICE


def band_scale(countries: list[MapCountry]) -> Scale:
    known = {c.key for c in BAND_CLASSES}
    return Scale("band", "Selectivity band (latest score)", BAND_CLASSES,
                 {c.iso3: c.band if c.band in known else "no_data" for c in countries})


def rollup_scale(countries: list[MapCountry]) -> Scale:
    known = {c.key for c in STATUS_CLASSES}
    return Scale("rollup", "MOE achievement of running programs (country rollup)", STATUS_CLASSES,
                 {c.iso3: c.status if c.status in known else "no_data" for c in countries})


def round_significant(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures (0 stays 0)."""
    if value <= 0:
        return 0.0
    return round(value, digits - 1 - int(math.floor(math.log10(value))))


def quintile_breaks(amounts: list[Decimal]) -> list[float]:
    """Lower bounds (USD millions, two significant figures) of the funding classes above
    the first: the 20th, 40th, 60th and 80th percentiles (nearest rank) of the positive
    amounts, without repeats."""
    values = sorted(float(a) / 1e6 for a in amounts if a > 0)
    if not values:
        return []
    breaks = []
    for fraction in (0.2, 0.4, 0.6, 0.8):
        cut = round_significant(values[min(len(values) - 1, int(fraction * len(values)))])
        if cut > 0 and (not breaks or cut > breaks[-1]) and cut > round_significant(values[0]):
            breaks.append(cut)
    return breaks


def _musd(value: float) -> str:
    return f"${value:,.2g} M" if value < 10 else f"${value:,.0f} M"


def funding_scale(countries: list[MapCountry], window: tuple[int, int]) -> Scale:
    breaks = quintile_breaks([c.obligated for c in countries])
    bounds = [0.0, *breaks]
    colours = FUNDING_COLOURS[-len(bounds):] if len(bounds) < len(FUNDING_COLOURS) else FUNDING_COLOURS
    classes = []
    for index, low in enumerate(bounds):
        high = bounds[index + 1] if index + 1 < len(bounds) else None
        label = (f"Up to {_musd(high)}" if index == 0 and high is not None else
                 f"{_musd(low)} to {_musd(high)}" if high is not None else
                 f"{_musd(low)} or more" if index else "Any amount")
        classes.append(LegendClass(f"f{index}", label, colours[index]))
    classes.append(LegendClass("none", "No obligations", NO_FIGURE))

    def key(country: MapCountry) -> str:
        if country.obligated <= 0:
            return "none"
        amount = float(country.obligated) / 1e6
        return f"f{sum(1 for low in breaks if amount >= low)}"

    return Scale("funding", f"Obligated funding FY{window[0]}-FY{window[1]}", tuple(classes),
                 {c.iso3: key(c) for c in countries})


def scale_for(choice: str, countries: list[MapCountry], window: tuple[int, int]) -> Scale:
    """The colouring ``choice`` ("band", "funding" or "rollup") of ``countries``."""
    if choice == "funding":
        return funding_scale(countries, window)
    if choice == "rollup":
        return rollup_scale(countries)
    return band_scale(countries)

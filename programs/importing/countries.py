"""Matching the country names and codes found in government spreadsheets.

A cell may hold an ISO 3166 alpha-3 or alpha-2 code, the portal's country name,
pycountry's name, official name or common name, or a short / former name from
``programs/reference_data/country_aliases.csv`` (Burma, Swaziland, Macedonia, West Bank
and Gaza, ...). Names are compared accent- and case-insensitively, ignoring punctuation
and a leading or trailing "the" ("Gambia, The" = "The Gambia" = "gambia"). An unknown
name is an error with close suggestions, never a silent skip.
"""
from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pycountry

from ..models import Country
from .cells import CellError

ALIASES_CSV = Path(__file__).resolve().parent.parent / "reference_data" / "country_aliases.csv"


def normalise_name(name: str) -> str:
    """Accent-, case- and punctuation-insensitive form of a country name."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    folded = folded.replace("&", " and ").replace("st.", "saint ").replace("'", "")
    folded = re.sub(r"[^a-z0-9]+", " ", folded).strip()
    words = folded.split()
    if words[:1] == ["the"]:
        words = words[1:]
    if words[-1:] == ["the"]:
        words = words[:-1]
    return " ".join(words)


@lru_cache(maxsize=1)
def _name_index_from_files() -> dict[str, str]:
    """Normalised name -> alpha-3, from pycountry and the alias file (no database)."""
    index: dict[str, str] = {}
    for entry in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(entry, attribute, None)
            if value:
                index.setdefault(normalise_name(value), entry.alpha_3)
    with ALIASES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            index[normalise_name(row["alias"])] = row["alpha3"].strip().upper()
    return index


class CountryMatcher:
    """Resolves cells to Country rows with one query for the whole file."""

    def __init__(self) -> None:
        countries = list(Country.objects.only("pk", "iso3", "iso2", "name"))
        self.by_iso3 = {c.iso3.upper(): c for c in countries}
        self.by_iso2 = {c.iso2.upper(): c for c in countries if c.iso2}
        self.by_name: dict[str, Country] = {}
        for name, iso3 in _name_index_from_files().items():
            if iso3 in self.by_iso3:
                self.by_name[name] = self.by_iso3[iso3]
        for country in countries:  # the portal's own names win
            self.by_name[normalise_name(country.name)] = country

    def match(self, value: str) -> Country:
        raw = value.strip()
        if not raw:
            raise CellError("the cell is empty; name a country or give its ISO code")
        code = raw.upper()
        if len(code) == 3 and code.isalpha() and code in self.by_iso3:
            return self.by_iso3[code]
        if len(code) == 2 and code.isalpha() and code in self.by_iso2:
            return self.by_iso2[code]
        found = self.by_name.get(normalise_name(raw))
        if found is not None:
            return found
        suggestions = difflib.get_close_matches(normalise_name(raw), list(self.by_name), n=3, cutoff=0.8)
        hint = ""
        if suggestions:
            names = sorted({self.by_name[s].name for s in suggestions})
            hint = f" Did you mean {' or '.join(names)}?"
        raise CellError(f"'{raw}' is not a known country; use its ISO code (e.g. KEN) or its name.{hint}")

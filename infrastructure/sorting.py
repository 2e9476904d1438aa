"""The one rule for sorting names people read (countries first): alphabetically, accents
and case ignored at first ("Costa Rica", "Côte d'Ivoire", "Croatia"; "Réunion" before
"Romania"), as a US reader expects; never by code point (which puts "Côte d'Ivoire" after
"Czechia").

In SQL: ``by_name("name")`` (``ORDER BY name COLLATE "und-x-icu"``). PostgreSQL has that
ICU root collation built in; on SQLite ``sqlite_collation_register`` (connected from
``InfrastructureConfig.ready``) defines a collation of the same name over
``name_sort_key``. In Python (small lists): ``sorted(names, key=name_sort_key)``.
"""
from __future__ import annotations

import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

NAME_COLLATION = "und-x-icu"
NAME_COLLATION_SQL = f'"{NAME_COLLATION}"'  # for raw SQL: ORDER BY c.name COLLATE "und-x-icu"


def name_sort_key(text: str) -> tuple[str, str]:
    """The sort key of a name: its letters without accents, case-folded, then the name
    itself to order names that differ only in accents or case. Pure."""
    text = text or ""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return bare.casefold(), text


def by_name(field: str = "name") -> Collate:
    """An ``order_by`` expression for ``field`` under the rule (``by_name("country__name")``)."""
    return Collate(F(field), NAME_COLLATION)


def _compare(left: str, right: str) -> int:
    a, b = name_sort_key(left), name_sort_key(right)
    return (a > b) - (a < b)


def sqlite_collation_register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: gives SQLite the collation PostgreSQL has built in."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NAME_COLLATION, _compare)

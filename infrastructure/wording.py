"""Counted nouns in what people read: the one plural rule ("1 row", "7 rows",
"1,250 errors"). Templates use the ``counted`` filter (``infrastructure.templatetags.
portal_wording``); messages built in Python call ``counted`` directly."""
from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``counted(1, "row")`` -> ``"1 row"``; ``counted(1250, "row")`` -> ``"1,250 rows"``;
    ``plural`` for irregular nouns (``counted(2, "entry", "entries")``)."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"


def usd_text(amount) -> str:
    """US dollars as people write them in a message: ``-5000000`` -> ``"-$5,000,000"``,
    ``Decimal("1E+15")`` -> ``"$1,000,000,000,000,000"``, ``12.5`` -> ``"$12.50"`` (cents
    only when there are some)."""
    from decimal import Decimal

    value = Decimal(str(amount))
    text = f"{abs(value):,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    return f"{'-' if value < 0 else ''}${text}"

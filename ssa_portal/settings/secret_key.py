"""The rule a production ``SECRET_KEY`` must meet (used by ``production``; not a settings profile).

A key is accepted when it is at least 50 characters long, is not the development key (nor
one of Django's ``django-insecure-`` keys), and its characters carry at least 200 bits by
a frequency estimate: length x the Shannon entropy of the key's own character distribution.
60 x "a" scores 0 bits, "ab" x 30 scores 60; a key from
``python -c "import secrets; print(secrets.token_urlsafe(64))"`` (86 characters) scores
about 500 and 64 hexadecimal digits about 250. The estimate cannot see a repeated pattern
of many distinct characters: generate keys, never type them.
"""
from __future__ import annotations

import math
from collections import Counter

MIN_LENGTH = 50
MIN_BITS = 200


def secret_key_bits(key: str) -> float:
    """Estimated bits of ``key``: its length x the Shannon entropy (bits per character) of
    its character frequencies."""
    if not key:
        return 0.0
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return abs(len(key) * per_char)  # abs: a one-character key gives -0.0


def secret_key_problem(key: str, *, development_key: str) -> str | None:
    """Why ``key`` may not sign production sessions, or None if it may."""
    if not key or key == development_key or key.startswith("django-insecure-"):
        return "SECRET_KEY must be set (the development key is refused)."
    if len(key) < MIN_LENGTH:
        return f"SECRET_KEY must be at least {MIN_LENGTH} characters long (it has {len(key)})."
    bits = secret_key_bits(key)
    if bits < MIN_BITS:
        return (f"SECRET_KEY is too predictable: about {bits:.0f} bits by character frequency, "
                f"at least {MIN_BITS} are required.")
    return None

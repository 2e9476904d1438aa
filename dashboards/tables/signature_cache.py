"""django-tables2 3.0 asks ``inspect.signature`` which arguments a column's ``render`` /
``value`` takes for every cell it renders (``django_tables2.utils.call_with_appropriate``);
that alone was about half of the time a 200-row dashboard table took to render. The
answer depends only on the function, so it is memoised here per function (a bound
method by its function: the arguments after ``self`` are the same for every column
instance). Installed once, by ``DashboardsConfig.ready``; the pinned version
(requirements.txt) is what this was written against, and ``tests/dashboards`` render
every table through it.
"""
from __future__ import annotations

from collections.abc import Callable

import django_tables2.utils as tables2_utils

_uncached = tables2_utils.signature
_answers: dict[object, tuple[tuple[str, ...], str | None]] = {}


def signature_memoised(fn: Callable) -> tuple[tuple[str, ...], str | None]:
    """``django_tables2.utils.signature(fn)`` (positional-or-keyword argument names, the
    name of a ``**kwargs`` catch-all or None), computed once per function."""
    key = getattr(fn, "__func__", fn)
    answer = _answers.get(key)
    if answer is None:
        answer = _answers[key] = _uncached(fn)
    return answer


def install() -> None:
    """Route django-tables2's per-cell signature look-ups through the memo."""
    tables2_utils.signature = signature_memoised

"""The flagged items of one kind as a dashboard table, with links to the records."""
from __future__ import annotations

from infrastructure.sql import db_datetime

from . import flags, snapshots
from .selectors import country_url, program_url
from .tables import Column, Link, Table


def flag_table(kind: str, country_ids: list[int] | None, *, scope: str = "portfolio") -> Table:
    """The flagged items of ``kind`` in ``scope`` (stored like the other figures)."""
    spec = flags.KINDS[kind]
    stored, computed_at = snapshots.figures(f"flags:{scope}", {
        kind: lambda: [list(row) for row in flags.flag_rows(kind, country_ids)],
        f"{kind}_count": lambda: flags.flag_counts(country_ids)[kind]})
    raw, total = stored[kind], stored[f"{kind}_count"]
    if kind == "overlaps":
        rows = [[Link(r[0], country_url(r[1])), r[2], r[3], r[4], f"FY{r[5]}"] for r in raw]
    elif kind == "gaps":
        rows = [[Link(r[0], country_url(r[1])), r[2], r[3], r[4]] for r in raw]
    elif kind == "surge":
        rows = [[Link(r[1], program_url(r[0])), r[2], r[3]] for r in raw]
    elif kind == "vetting":
        rows = [[Link(r[1], program_url(r[0])), r[2], Link(r[3], country_url(r[4])), r[5]] for r in raw]
    elif kind == "stale":
        rows = [[Link(r[0], country_url(r[1])), r[2], db_datetime(r[3])] for r in raw]
    elif kind == "overdue":
        rows = [[Link(r[1], program_url(r[0])), r[2], r[3], r[4], r[5]] for r in raw]
    else:
        rows = [[Link(r[0], country_url(r[1])), r[2], r[3]] for r in raw]
    kinds = {"Due on": "date", "Assessment date": "date", "Occurred on": "date", "Score computed at": "datetime",
             "Tier": "number"}
    table = Table(kind, spec.label, [Column(h, kinds.get(h, "text")) for h in spec.columns], rows,
                 note=spec.description + (f" Showing the first {flags.LIST_LIMIT} of {total}." if total > len(raw) else ""),
                 computed_at=computed_at, empty_message="Nothing flagged here.")
    table.total = total
    return table


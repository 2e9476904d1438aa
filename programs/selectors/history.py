"""Reads of change history: entries with field-level diffs, in a fixed number of queries.

programs.history.field_changes() reads one record's predecessor with a query; a history
page of N entries would issue N queries, so here all entries are fetched at once and
diffed pairwise in memory (simple-history's diff_against does not query for plain fields).
"""
from __future__ import annotations

from typing import Any

from django.db import models

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "period_end"}


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - a field removed since: show its name
        return name


def history_entries(history_qs, *, title: str = "") -> list[dict[str, Any]]:
    """Entries of one or more records' history, newest first, each with its field diffs.

    ``history_qs`` is a historical-records queryset (``record.history.all()`` or
    ``Model.history.filter(...)``); entries of different records are diffed per record.
    """
    rows = list(history_qs.select_related("history_user").order_by("history_date", "history_id"))
    previous_of: dict[Any, Any] = {}
    entries = []
    for row in rows:
        previous = previous_of.get(row.id)
        changes = []
        if previous is not None:
            for change in row.diff_against(previous).changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                model = row.instance_type
                changes.append({"field": change.field, "label": _label(model, change.field), "old": change.old, "new": change.new})
        previous_of[row.id] = row
        entries.append(
            {
                "record": title or str(row.instance_type._meta.verbose_name).capitalize(),
                "object": str(row),
                "date": row.history_date,
                "user": row.history_user,
                "type": {"+": "Created", "~": "Changed", "-": "Deleted"}.get(row.history_type, row.history_type),
                "rationale_category": row.get_rationale_category_display() if row.rationale_category else "",
                "reason": row.history_change_reason or "",
                "changes": changes,
            }
        )
    entries.reverse()
    return entries

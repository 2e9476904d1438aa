"""Reads of change history: entries with field-level diffs, in a fixed number of queries.

infrastructure.history.field_changes() reads one record's predecessor with a query; a history
page of N entries would issue N queries, so here all entries are fetched at once and
diffed pairwise in memory (simple-history's diff_against does not query for plain fields).
Membership fields (a program's countries, goals, ...) are history too, but
simple-history's diff_against reads them with two queries per entry and field; here
each membership table is read once for all entries and compared in memory.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import models

HIDDEN_FIELDS = {"version", "updated_at", "created_at", "period_end"}


def _label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - a field removed since: show its name
        return name


def _memberships(rows: list, field_names: list[str]) -> dict[str, dict[Any, list[str]]]:
    """For each membership field: history_id -> sorted names of the members then.

    One query per field, whatever the number of entries.
    """
    if not rows:
        return {}
    model = rows[0].instance_type
    history_ids = [row.history_id for row in rows]
    members: dict[str, dict[Any, list[str]]] = {}
    for name in field_names:
        through = getattr(rows[0], name).model
        member_field = model._meta.get_field(name).m2m_reverse_field_name()
        by_entry: dict[Any, list[str]] = defaultdict(list)
        for link in through.objects.filter(history_id__in=history_ids).select_related(member_field):
            by_entry[link.history_id].append(str(getattr(link, member_field)))
        members[name] = {entry: sorted(names) for entry, names in by_entry.items()}
    return members


def history_entries(history_qs, *, title: str = "") -> list[dict[str, Any]]:
    """Entries of one or more records' history, newest first, each with its field diffs.

    ``history_qs`` is a historical-records queryset (``record.history.all()`` or
    ``Model.history.filter(...)``); entries of different records are diffed per record.
    """
    rows = list(history_qs.select_related("history_user").order_by("history_date", "history_id"))
    m2m_names = [field.name for field in getattr(history_qs.model, "_history_m2m_fields", [])]
    members = _memberships(rows, m2m_names)
    previous_of: dict[Any, Any] = {}
    entries = []
    for row in rows:
        previous = previous_of.get(row.id)
        model = row.instance_type
        changes = []
        if previous is not None:
            for change in row.diff_against(previous, excluded_fields=m2m_names).changes:
                if change.field in HIDDEN_FIELDS:
                    continue
                changes.append({"field": change.field, "label": _label(model, change.field), "old": change.old, "new": change.new})
            for name in m2m_names:
                old = members[name].get(previous.history_id, [])
                new = members[name].get(row.history_id, [])
                if old != new:
                    changes.append({"field": name, "label": _label(model, name), "old": ", ".join(old), "new": ", ".join(new)})
        previous_of[row.id] = row
        entries.append(
            {
                "record": title or str(model._meta.verbose_name).capitalize(),
                "object": str(row),
                "date": row.history_date,
                "user": row.history_user,
                "author": row.history_author,
                "type": {"+": "Created", "~": "Changed", "-": "Deleted"}.get(row.history_type, row.history_type),
                "rationale_category": row.get_rationale_category_display() if row.rationale_category else "",
                "reason": row.history_change_reason or "",
                "changes": changes,
            }
        )
    entries.reverse()
    return entries

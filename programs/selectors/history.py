"""Reads of change history: entries with field-level diffs, in a fixed number of queries.

infrastructure.history.field_changes() reads one record's predecessor with a query; a history
page of N entries would issue N queries, so here all entries are fetched at once and
diffed pairwise in memory (simple-history's diff_against does not query for plain fields).
Membership fields (a program's countries, goals, ...) are history too, but
simple-history's diff_against reads them with two queries per entry and field; here
each membership table is read once for all entries and compared in memory.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import models
from infrastructure.dates import date_text, datetime_text

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


def _field(model: type[models.Model], name: str) -> models.Field | None:
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field removed since
        return None


def _related_names(rows: list, m2m_names: list[str]) -> dict[tuple[type, Any], str]:
    """(related model, id) -> its name, for every foreign key value in ``rows``: one
    query per related model, whatever the number of entries (ids become names)."""
    if not rows:
        return {}
    model = rows[0].instance_type
    wanted: dict[type, set] = defaultdict(set)
    for field in model._meta.concrete_fields:
        if field.is_relation and field.name not in m2m_names:
            for row in rows:
                value = getattr(row, field.attname, None)
                if value is not None:
                    wanted[field.related_model].add(value)
    names: dict[tuple[type, Any], str] = {}
    for related, ids in wanted.items():
        for obj in related._default_manager.filter(pk__in=ids):
            names[(related, obj.pk)] = _person(obj) if hasattr(obj, "get_full_name") else str(obj)
    return names


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def readable(model: type[models.Model], name: str, value: Any, names: dict) -> str:
    """A stored value as people read it: a name for an id, the label of a choice, a
    number at its own precision, Yes/No, a date; "" for nothing."""
    from ..numbers import plain_decimal

    if value is None or value == "":
        return ""
    field = _field(model, name)
    if field is not None and field.is_relation and field.related_model is not None:
        return names.get((field.related_model, value), f"{field.related_model._meta.verbose_name} {value} (deleted)")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, dt.datetime):
        return datetime_text(value)
    if isinstance(value, dt.date):
        return date_text(value)
    return str(value)


def _record_label(row) -> str:
    """What the record is, for people: a measurement or target by its period and value."""
    model = row.instance_type
    if hasattr(row, "period") and hasattr(row, "value"):
        from ..numbers import plain_decimal

        return f"{row.period}: {plain_decimal(row.value)}"
    if model.__name__ == "Funding":
        return f"FY{row.fiscal_year}"
    return str(row.instance)


def record_url(row) -> str:
    """The page of the record a history row is about (programs, funding, MOEs, targets,
    measurements); "" for other records (their views pass ``link``)."""
    from django.urls import reverse

    name = row.instance_type.__name__
    if name == "Program":
        return reverse("programs:program-detail", args=[row.id])
    if name == "Funding":
        return reverse("programs:program-detail", args=[row.program_id]) + "#funding"
    if name == "MeasureOfEffectiveness":
        return reverse("programs:moe-history", args=[row.id])
    if name in ("Target", "Measurement"):
        return reverse("programs:moe-history", args=[row.moe_id])
    return ""


def history_entries(history_qs, *, title: str = "", link=record_url) -> list[dict[str, Any]]:
    """Entries of one or more records' history, newest first, each with its field diffs
    written for people: field labels, names instead of ids, labels of choices, numbers at
    their own precision (``readable``), who by name, and the rationale.

    ``history_qs`` is a historical-records queryset (``record.history.all()`` or
    ``Model.history.filter(...)``); entries of different records are diffed per record.
    ``link(row)`` (optional) gives the URL of the record an entry is about. Queries: one
    for the entries, one per membership field and one per kind of linked record.
    """
    rows = list(history_qs.select_related("history_user").order_by("history_date", "history_id"))
    m2m_names = [field.name for field in getattr(history_qs.model, "_history_m2m_fields", [])]
    members = _memberships(rows, m2m_names)
    names = _related_names(rows, m2m_names)
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
                changes.append({"field": change.field, "label": _label(model, change.field),
                                "old": readable(model, change.field, change.old, names),
                                "new": readable(model, change.field, change.new, names)})
            for name in m2m_names:
                old = members[name].get(previous.history_id, [])
                new = members[name].get(row.history_id, [])
                if old != new:
                    changes.append({"field": name, "label": _label(model, name), "old": ", ".join(old), "new": ", ".join(new)})
        previous_of[row.id] = row
        entries.append(
            {
                "record": title or str(model._meta.verbose_name).capitalize(),
                "object": _record_label(row),
                "url": link(row) if link and row.history_type != "-" else "",
                "date": row.history_date,
                "user": row.history_user,
                "author": _person(row.history_user) if row.history_user_id else row.history_author,
                "type": {"+": "Created", "~": "Changed", "-": "Deleted"}.get(row.history_type, row.history_type),
                "rationale_category": row.get_rationale_category_display() if row.rationale_category else "",
                "reason": row.history_change_reason or "",
                "changes": changes,
            }
        )
    entries.reverse()
    return entries

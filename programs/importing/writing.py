"""Bulk writes with their history, for the importer: a constant number of queries per table.

Every created or changed row gets one historical record, as a save through the services
would give it, written with django-simple-history's bulk helper
(``HistoryManager.bulk_history_create``, the building block of ``bulk_create_with_history``
and ``bulk_update_with_history``; called directly because the created historical rows are
needed to attach the many-to-many snapshots of programs). The author is the uploading
user (``history_user``) and the import job (``history_actor``, "import job 12"); the
change reason names the file (and the rationale from the upload form, if any).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from infrastructure.bulk_update import rows_update


@dataclass(frozen=True)
class HistoryAuthor:
    """Who and why, for every historical record an import writes."""

    user: Any
    actor: str  # "import job 12"
    reason: str  # "import of budget.xlsx" (with the form's rationale in front, if given)
    rationale_category: str = ""

    def attrs(self) -> dict[str, str]:
        return {"history_actor": self.actor[:100], "rationale_category": self.rationale_category}


def bulk_insert(model: type[models.Model], objs: Sequence[models.Model], author: HistoryAuthor) -> list[models.Model]:
    """INSERT ``objs`` (their pks are set afterwards) and one "+" historical record each;
    returns the historical records, in the order of ``objs``."""
    if not objs:
        return []
    model._default_manager.bulk_create(objs)
    return model.history.bulk_history_create(
        objs, default_user=author.user, default_change_reason=author.reason,
        default_date=timezone.now(), custom_historical_attrs=author.attrs(),
    )


def bulk_change(
    model: type[models.Model], objs: Sequence[models.Model], fields: Iterable[str], author: HistoryAuthor
) -> list[models.Model]:
    """UPDATE ``fields`` of ``objs`` (``updated_at`` is set to now) and one "~" historical
    record each; returns the historical records."""
    if not objs:
        return []
    now = timezone.now()
    for obj in objs:
        obj.updated_at = now
    rows_update(model, objs, [*fields, "updated_at"])  # not bulk_update: its CASE costs n * n
    return model.history.bulk_history_create(
        objs, update=True, default_user=author.user, default_change_reason=author.reason,
        default_date=now, custom_historical_attrs=author.attrs(),
    )


def nested_rows_write(
    model: type[models.Model],
    families: Iterable[tuple[models.Model, Sequence[models.Model], Sequence[models.Model]]],
    parent_field: str,
    fields: Iterable[str],
    author: HistoryAuthor,
) -> list[models.Model]:
    """Write the nested rows of the file's parent records (an MOE's targets, a program's
    funding): ``families`` gives (parent, new rows, changed rows) per parent. Each new row
    is attached to its parent (``parent_field``: its id is set now that a new parent has
    its pk) and inserted; each changed one's ``version`` moves by one and ``fields`` and
    the version are written; one historical record each (:func:`bulk_insert`,
    :func:`bulk_change`). Returns the rows written, new then changed."""
    new, changed = [], []
    for parent, added, altered in families:
        for row in added:
            setattr(row, parent_field, parent)
            new.append(row)
        for row in altered:
            row.version += 1
            changed.append(row)
    bulk_insert(model, new, author)
    bulk_change(model, changed, [*fields, "version"], author)
    return new + changed


Links = dict[int, dict[int, int]]  # object pk -> {target pk: link (through row) pk}


def m2m_links_replace(model: type[models.Model], field_name: str, wanted: Mapping[int, set[int]]) -> Links:
    """Make the ``field_name`` links of each object in ``wanted`` (pk -> target pks) exactly
    those given: one DELETE and one INSERT for all objects (no m2m_changed signals; the
    history is written by :func:`m2m_history_snapshot`). Returns the new links."""
    if not wanted:
        return {}
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    through.objects.filter(**{f"{source}_id__in": list(wanted)}).delete()
    rows = through.objects.bulk_create(
        [through(**{f"{source}_id": pk, f"{target}_id": t}) for pk, targets in wanted.items() for t in sorted(targets)]
    )
    links: Links = {pk: {} for pk in wanted}
    for row in rows:
        links[getattr(row, f"{source}_id")][getattr(row, f"{target}_id")] = row.pk
    return links


def m2m_links_read(model: type[models.Model], field_names: Iterable[str], pks: Iterable[int]) -> dict[str, Links]:
    """The current links of these objects: field name -> pk -> {target pk: link pk}
    (one query per field)."""
    pks = list(pks)
    found: dict[str, Links] = {}
    for name in field_names:
        field = model._meta.get_field(name)
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        per_object: Links = {pk: {} for pk in pks}
        if pks:
            rows = field.remote_field.through.objects.filter(**{f"{source}_id__in": pks})
            for link_pk, pk, target_pk in rows.values_list("pk", f"{source}_id", f"{target}_id"):
                per_object[pk][target_pk] = link_pk
        found[name] = per_object
    return found


def m2m_history_snapshot(
    model: type[models.Model], history_rows: Sequence[models.Model], links: Mapping[str, Links]
) -> None:
    """Attach to each historical record the object's memberships after the write, as
    simple-history does on a save: ``links`` holds, for every many-to-many field the
    history tracks, each object's links. One INSERT per field."""
    for field, history_model in HistoricalRecords.m2m_models.items():
        if field.model is not model:
            continue
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        per_object = links.get(field.name, {})
        history_model.objects.bulk_create(
            [
                history_model(history_id=row.pk, id=link_pk, **{f"{source}_id": row.id, f"{target}_id": t})
                for row in history_rows
                for t, link_pk in sorted(per_object.get(row.id, {}).items())
            ]
        )

"""Writes of the other records analysts keep: partner institutions, implementing partners,
vetting, donor engagements, strategies and objectives.

These records are shared across agencies (a Kenyan police unit is the same unit for State
and Defense), so any analyst, manager or administrator may create and edit them; archiving
is open to the same people, restoring only to managers. Every save is validated with
full_clean() inside one transaction and recorded in the history with the acting user.

Optimistic locking: every one of these records carries a ``version``; an update names the
version its writer read (infrastructure.versioning.check_version, under select_for_update).
A missing or stale one raises StaleVersionError listing who changed what meanwhile.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from .. import permissions
from ..models import (
    DonorEngagement,
    ImplementingPartner,
    Objective,
    PartnerInstitution,
    Strategy,
    User,
    Vetting,
)
from infrastructure.saving import validated_save
from .rules import ensure_writable
from infrastructure.versioning import check_version

# Model -> (its editable fields, its many-to-many fields).
RECORD_FIELDS: dict[type[models.Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    PartnerInstitution: (("country", "name", "institution_type", "nature", "level"), ()),
    ImplementingPartner: (("name", "kind"), ()),
    Vetting: (
        ("institution", "unit_name", "status", "requested_on", "decided_on", "expires_on", "reference", "notes"),
        (),
    ),
    DonorEngagement: (("donor", "country", "sector", "description", "start_fy", "end_fy", "amount_usd"), ()),
    Strategy: (("title", "scope", "country", "region", "start_fy", "end_fy", "summary"), ()),
    Objective: (("strategy", "code", "description", "measure"), ("goals",)),
}


def _fields(model: type[models.Model]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if model not in RECORD_FIELDS:
        raise ValueError(f"{model.__name__} is not a record kept through these services")
    return RECORD_FIELDS[model]


def _apply(record: models.Model, data: Mapping[str, Any]) -> bool:
    fields, _ = _fields(type(record))
    changed = False
    for name in fields:
        if name not in data:
            continue
        field = record._meta.get_field(name)
        value = data[name]
        if field.is_relation:  # compare ids: reading an unset relation would raise
            current, wanted = getattr(record, field.attname), getattr(value, "pk", value)
        else:
            current, wanted = getattr(record, name), value
        if current != wanted or record.pk is None:
            setattr(record, name, value)
            changed = changed or current != wanted
    return changed


def _set_m2m(record: models.Model, data: Mapping[str, Any]) -> bool:
    _, m2m = _fields(type(record))
    changed = False
    for name in m2m:
        if name not in data:
            continue
        wanted = {getattr(v, "pk", v) for v in data[name] or []}
        if wanted != set(getattr(record, name).values_list("pk", flat=True)):
            getattr(record, name).set(wanted)
            changed = True
    return changed


@transaction.atomic
def record_create(*, user: User, model: type[models.Model], data: Mapping[str, Any]) -> models.Model:
    """Create a partner institution, implementing partner, vetting record, donor engagement,
    strategy or objective."""
    permissions.require_record_keeper(user, f"change {model._meta.verbose_name_plural}")
    record = model()
    _apply(record, data)
    validated_save(record, user=user)
    _set_m2m(record, data)
    return record


@transaction.atomic
def record_update(
    *,
    user: User,
    record: models.Model,
    data: Mapping[str, Any],
    version: int | None,
    rationale_category: str = "",
    rationale: str = "",
) -> models.Model:
    """Update one record; refused when ``version`` (as read) is missing or stale
    (StaleVersionError) or the record is archived (ValidationError)."""
    model = type(record)
    permissions.require_record_keeper(user, f"change {model._meta.verbose_name_plural}")
    record = model.objects.select_for_update().get(pk=record.pk)
    ensure_writable(record)
    fields_changed = _apply(record, data)
    _, m2m = _fields(model)
    m2m_changed = any(
        name in data and {getattr(v, "pk", v) for v in data[name] or []} != set(getattr(record, name).values_list("pk", flat=True))
        for name in m2m
    )
    if not (fields_changed or m2m_changed):
        return record  # nothing changes, so nothing can be lost: no version needed
    check_version(record, version)
    record.version += 1
    validated_save(record, user=user, rationale_category=rationale_category, rationale=rationale)
    _set_m2m(record, data)
    return record


@transaction.atomic
def record_archive(*, user: User, record: models.Model, version: int | None, reason: str = "") -> models.Model:
    """Archive instead of delete (only models that are Archivable). ``version`` is the one
    the user read (missing or stale: StaleVersionError); an archived record needs none."""
    model = type(record)
    if not hasattr(record, "archived_at"):
        raise ValidationError(f"{model._meta.verbose_name_plural.capitalize()} are not archived.")
    permissions.require_record_keeper(user, f"change {model._meta.verbose_name_plural}")
    record = model.objects.select_for_update().get(pk=record.pk)
    if record.archived_at is not None:
        return record
    check_version(record, version)
    record.archived_at, record.archived_by = timezone.now(), user
    record.version += 1
    validated_save(record, user=user, rationale=f"archived: {reason}".strip(": "))
    return record


@transaction.atomic
def record_restore(*, user: User, record: models.Model, version: int | None, reason: str = "") -> models.Model:
    """Bring an archived record back (managers); ``version`` as for archiving."""
    model = type(record)
    permissions.require(permissions.can_restore(user), "Only managers may restore archived records.")
    record = model.objects.select_for_update().get(pk=record.pk)
    if getattr(record, "archived_at", None) is None:
        return record
    check_version(record, version)
    record.archived_at, record.archived_by = None, None
    record.version += 1
    validated_save(record, user=user, rationale=f"restored: {reason}".strip(": "))
    return record

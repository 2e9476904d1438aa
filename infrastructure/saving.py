"""Saving a record: validate, attribute, attach the rationale, turn integrity errors into
field errors; ``model_update`` for services that change a few fields and must say whether
anything changed."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .constraints import integrity_error_explained
from .history import with_rationale
from .models import RationaleCategory


def validated_save(
    instance: models.Model,
    *,
    user: Any = None,
    rationale_category: str = "",
    rationale: str = "",
    exclude: list[str] | None = None,
    actor: str = "",
) -> models.Model:
    """full_clean() then save, so every path reports field-named errors; a constraint the
    clean missed (two writers at the same moment) surfaces as the ValidationError the clean
    gives (``constraints.integrity_error_explained``), never a 500 or the database's text."""
    instance.full_clean(exclude=exclude)
    with_rationale(instance, rationale_category, rationale)
    if user is not None:
        instance._history_user = user  # history without a request (API, importer, tasks)
    if actor:
        instance._history_actor = actor  # a named system actor when no person acted
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise integrity_error_explained(exc) from exc
    return instance



def require_rationale(category: str, text: str) -> None:
    """Edits of approved data need a rationale: a category from the list plus free text."""
    errors = {}
    if category not in RationaleCategory.values:
        errors["rationale_category"] = "Choose why this approved data is changing."
    if not (text or "").strip():
        errors["rationale"] = "Explain the change to approved data."
    if errors:
        raise ValidationError(errors)


def model_update(
    *,
    instance: models.Model,
    fields: list[str] | tuple[str, ...],
    data: dict[str, Any],
    user: Any = None,
    rationale_category: str = "",
    rationale: str = "",
) -> tuple[models.Model, bool]:
    """Set the non-m2m ``fields`` of ``instance`` present in ``data`` and save them through
    :func:`validated_save` only if one of them differs (after HackSoft's styleguide).

    Returns ``(instance, has_updated)``; a record with a ``version`` gets it incremented
    when anything changed. Raises ValidationError (field-named) like validated_save.
    """
    changed = [name for name in fields if name in data and getattr(instance, name) != data[name]]
    if not changed:
        return instance, False
    for name in changed:
        setattr(instance, name, data[name])
    if hasattr(instance, "version"):
        instance.version += 1
    validated_save(instance, user=user, rationale_category=rationale_category, rationale=rationale)
    return instance, True


def timestamps_touch(model: type[models.Model], ids: Iterable[int]) -> int:
    """Move ``updated_at`` of the ``model`` rows ``ids`` to now, because nested data of
    their representation changed (a program's funding, an MOE's targets): sync clients
    asking ``updated_since`` must see them. No history row and no version change (the
    row's own fields did not change). Returns how many rows moved."""
    ids = sorted({pk for pk in ids if pk is not None})
    if not ids:
        return 0
    return model._default_manager.filter(pk__in=ids).update(updated_at=timezone.now())

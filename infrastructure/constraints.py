"""Model constraints that refuse in words, on a field.

Django reports a violated ``CheckConstraint`` as "Constraint “program_end_fy_not_before_start_fy”
is violated." on the record as a whole: an internal name, tied to no field. Every model
constraint of the portal is one of the two classes below instead, built with

- ``violation_error_message``: what is wrong, in words a user understands (required);
- ``field``: the field the message belongs to (a form shows it there, the API answers
  ``{"errors": {"end_fy": [...]}}``, the importer names the column); ``None`` for a rule
  about the record as a whole.

A ``UniqueConstraint`` answers with the code ``unique`` (a value another row holds: a
conflict with stored rows, HTTP 409 in the API); a ``CheckConstraint`` with its own
``violation_error_code`` (a malformed record: HTTP 400).

``field`` changes nothing in the database. ``deconstruct`` leaves it out and names
Django's own class, so migrations hold Django's constraints (only the message, a
non-database attribute, is recorded: ``AlterConstraint``, no index rebuilt) and a field
changed later needs no migration. ``tests/infrastructure/test_constraints.py`` walks every
model's constraints: each is one of these, with a message that names no constraint.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models


class _FieldConstraint:
    """Raise the constraint's error on ``field`` (when given) rather than on the record."""

    def __init__(self, *args, field: str | None = None, violation_error_message: str, **kwargs) -> None:
        self.field = field
        super().__init__(*args, violation_error_message=violation_error_message, **kwargs)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS) -> None:
        try:
            super().validate(model, instance, exclude=exclude, using=using)
        except ValidationError as exc:
            if self.field is None or hasattr(exc, "error_dict"):
                raise
            raise ValidationError({self.field: exc.error_list}) from None

    def deconstruct(self):
        _, args, kwargs = super().deconstruct()
        return self.django_path, args, kwargs

    def clone(self):
        """A copy that keeps ``field`` (Django's model options clone every constraint)."""
        copy = super().clone()
        copy.field = self.field
        return copy


class CheckConstraint(_FieldConstraint, models.CheckConstraint):
    """``models.CheckConstraint`` with a required message and an optional ``field``."""

    django_path = "django.db.models.CheckConstraint"


class UniqueConstraint(_FieldConstraint, models.UniqueConstraint):
    """``models.UniqueConstraint`` with a required message and an optional ``field``;
    its code is ``unique`` (a value taken: 409 in the API)."""

    django_path = "django.db.models.UniqueConstraint"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("violation_error_code", "unique")
        super().__init__(*args, **kwargs)


def choice_constraint(*, name: str, field: str, choices: type[models.Choices], noun: str) -> CheckConstraint:
    """The database's guard that ``field`` holds one of ``choices`` (what the field's own
    choices check in forms); ``noun`` names the field in the message ("status")."""
    listed = ", ".join(str(label) for label in choices.labels)
    return CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}), name=name, field=field,
        violation_error_message=f"Choose a {noun} among: {listed}.",
    )

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

``integrity_error_explained`` turns the database's refusal (two writers at the same
moment, each validated before the other saved) into the error ``full_clean`` gives the
second writer when they come one after the other: same field, same message, same code.
"""
from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, models


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


# What a refusal names when the constraint is not one we can map (SQLite gives no name):
# never the database's text, which quotes SQL and constraint names.
CONFLICT_MESSAGE = ("This change conflicts with a record saved at the same moment; nothing was saved. "
                    "Reload and try again.")


def integrity_error_explained(exc: IntegrityError) -> ValidationError:
    """The field-named ValidationError for a database refusal ``exc``, as ``full_clean``
    words it: a portal constraint's ``field`` and message (code ``unique`` for a
    UniqueConstraint: HTTP 409 in the API); a ``unique=True`` field's own message on that
    field (a ``unique_together`` set: on the record). Anything else: ``CONFLICT_MESSAGE``
    on the record. Call after the failed transaction (savepoint) is left: a unique field's
    constraint is looked up in the catalog (one query, on PostgreSQL only)."""
    diag = getattr(exc.__cause__, "diag", None)  # psycopg: the constraint and table refused
    name, table = getattr(diag, "constraint_name", None), getattr(diag, "table_name", None)
    model = next((m for m in apps.get_models() if m._meta.db_table == table), None) if name and table else None
    if model is None:
        return ValidationError(CONFLICT_MESSAGE, code="conflict")
    constraint = next((c for c in model._meta.constraints if c.name == name), None)
    if constraint is not None:
        error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
        field = getattr(constraint, "field", None)
        return ValidationError({field: [error]}) if field else error
    names = _unique_fields(model, table, name)
    if not names:
        return ValidationError(CONFLICT_MESSAGE, code="conflict")
    error = model().unique_error_message(model, tuple(names))
    return ValidationError({names[0]: [error]}) if len(names) == 1 else error


def _unique_fields(model: type[models.Model], table: str, name: str) -> list[str]:
    """The fields of ``model`` a unique index or constraint ``name`` of ``table`` covers, as
    declared (``unique=True``, ``unique_together``); empty when it is not one of those."""
    try:
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, table).get(name)
    except DatabaseError:
        return []
    if not found or not found.get("unique"):
        return []
    by_column = {f.column: f.name for f in model._meta.concrete_fields}
    names = [by_column.get(column) for column in found["columns"]]
    if not names or not all(names):
        return []
    single = len(names) == 1 and model._meta.get_field(names[0]).unique
    return names if single or tuple(names) in {tuple(u) for u in model._meta.unique_together} else []

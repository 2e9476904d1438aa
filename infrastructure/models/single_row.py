"""Settings that administrators keep in one row (the reporting policy, the brief settings,
the sign-in policy): one base for the rule, so each model states only its fields."""
from __future__ import annotations

from typing import Self

from django.db import models

from infrastructure.constraints import CheckConstraint

SINGLE_ROW_ID = 1


class SingleRow(models.Model):
    """A model of exactly one row, id 1: a check constraint holds it, ``save`` writes that
    row whatever the id sequence says (the admin's add form), and :meth:`current` reads
    it, or the field defaults while nobody has saved it (a read never writes).

    Subclasses that declare ``Meta`` inherit this one (``class Meta(SingleRow.Meta)``) to
    keep the constraint, named ``<app>_<model>_single_row``."""

    class Meta:
        abstract = True
        constraints = [
            CheckConstraint(
                condition=models.Q(id=SINGLE_ROW_ID), name="%(app_label)s_%(class)s_single_row",
                violation_error_message="These settings are kept in one row; edit it rather than adding another.",
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        self.pk = SINGLE_ROW_ID
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> Self:
        """The row, or an unsaved one with the field defaults (no write)."""
        return cls.objects.filter(pk=SINGLE_ROW_ID).first() or cls(pk=SINGLE_ROW_ID)

"""Countries changed by administrators (the Django admin's save path): the same
validation and history as every write, plus what other figures depend on. Other
reference data has no rule beyond its fields (``infrastructure.admin_protection.admin_record_save``).

A country's regions place its programs in region rollups; its priority tier is not
edited here but follows the managers' tier decisions (``priorities.priority_tier_set``).
"""
from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction

from infrastructure.admin_protection import admin_change_reason
from infrastructure.saving import validated_save

from ..models import Country, Program, User
from ..signals import country_inputs_changed, program_data_announce

COUNTRY_REGION_FIELDS = ("state_bureau", "combatant_command")


@transaction.atomic
def country_save(*, user: User, record: Country, changed: Collection[str]) -> Country:
    """Save a country changed by an administrator. A change of its State bureau or
    combatant command re-counts its programs in the region rollups, and any change of a
    stored country tells selectivity (``country_inputs_changed``). Its priority tier is
    refused here (ValidationError on ``priority_tier``): managers set it by tier decisions."""
    if record.pk is not None and not record._state.adding:
        stored = Country.objects.select_for_update().get(pk=record.pk)
        if stored.priority_tier != record.priority_tier:
            raise ValidationError({"priority_tier": "A country's priority tier follows the managers' tier "
                                                    "decisions (Assessments > the country's page), not the admin."})
    else:
        stored = None
    validated_save(record, user=user, rationale=admin_change_reason(record, changed))
    if stored is None:
        return record
    if any(getattr(stored, f"{name}_id") != getattr(record, f"{name}_id") for name in COUNTRY_REGION_FIELDS):
        program_data_announce(Country, Program.objects.filter(countries=record).values_list("pk", flat=True))
    country_inputs_changed.send(sender=Country, country_ids=[record.pk])
    return record


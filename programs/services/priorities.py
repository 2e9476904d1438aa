"""Country priority tiers: a manager's tier decision per planning cycle, and the
country's current tier (the latest cycle's decision). The tier is the P component of the
selectivity score; a change tells the apps above (``country_inputs_changed``), which
recompute the country's score after commit."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from infrastructure.history import with_rationale
from infrastructure.models import RationaleCategory
from infrastructure.saving import validated_save
from infrastructure.versioning import check_version

from .. import permissions
from ..models import Country, CountryPriorityTier, PlanningCycle, PriorityTier, User
from ..signals import country_inputs_changed


@transaction.atomic
def priority_tier_set(
    *, user: User, country: Country, cycle: PlanningCycle, tier: int, rationale: str, version: int | None
) -> CountryPriorityTier:
    """A manager's tier for ``country`` in ``cycle``; the country's current tier follows the
    latest cycle that has a decision. Selectivity is recomputed after commit.

    ``version`` is the version of the cycle's decision the manager read (None or 0: they saw
    none): a missing or stale one raises StaleVersionError and nothing is saved. Re-sending
    the stored tier and rationale changes nothing and needs no version.
    """
    permissions.require_manager(user, "set priority tiers")
    errors = {}
    try:
        tier = int(tier)
    except (TypeError, ValueError):
        tier = None
    if tier not in PriorityTier.values:
        errors["tier"] = "Choose a tier from 1 (highest) to 4."
    rationale = (rationale or "").strip()
    if not rationale:
        errors["rationale"] = "A rationale is required for a priority tier."
    if errors:
        raise ValidationError(errors)
    decision = CountryPriorityTier.objects.select_for_update().filter(country=country, cycle=cycle).first()
    if decision is not None and (decision.tier, decision.rationale) == (tier, rationale):
        return decision  # nothing changes, so nothing can be lost
    check_version(decision, version)
    if decision is None:
        decision = CountryPriorityTier(country=country, cycle=cycle)
    else:
        decision.version += 1
    decision.tier, decision.rationale, decision.set_by = tier, rationale, user
    validated_save(decision, user=user, rationale_category=RationaleCategory.CHANGE_IN_CONTEXT, rationale=rationale)
    latest = (
        CountryPriorityTier.objects.filter(country=country).order_by("-cycle__fiscal_year").values_list("tier", flat=True).first()
    )
    locked_country = Country.objects.select_for_update().get(pk=country.pk)
    if locked_country.priority_tier != latest:
        locked_country.priority_tier = latest
        with_rationale(locked_country, RationaleCategory.CHANGE_IN_CONTEXT, rationale)
        locked_country._history_user = user
        locked_country.save(update_fields=["priority_tier", "updated_at"])
        country.priority_tier = latest
    country_inputs_changed.send(sender=CountryPriorityTier, country_ids=[country.pk])
    return decision

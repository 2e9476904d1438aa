"""The seeded framework versions (by migrations 0002 and 0005, and by tests after a flush).

Version 1: the criteria are the policy's conditions for sustainable capacity (fact sheet:
"political will, absorptive capacity, credible and effective institutions, willingness
to sustain investments, equal stake, commitment to security sector reform, and
governance and human-rights record"). Equal weights: the policy names them side by
side and ranks none above another.

Version 2: the same criteria and weights, plus two band caps (issue 15): a country with
a human-rights concern, or with an open crisis, is at most "review" whatever its score.
A new version, so that scores computed under version 1 keep their rules (no caps).
"""
import datetime as dt
from decimal import Decimal

FRAMEWORK_V1 = {
    "version": 1,
    "name": "Conditions for sustainable capacity (2026)",
    "weight_priority": Decimal("0.400"),
    "weight_conditions": Decimal("0.400"),
    "weight_effectiveness": Decimal("0.200"),
    "published_on": dt.date(2026, 1, 1),
}

CRITERIA_V1 = [
    ("political_will", "Political will", "Partner leadership's will to carry reforms through.", False),
    ("absorptive_capacity", "Absorptive capacity", "Ability to absorb, employ and maintain assistance.", False),
    ("credible_institutions", "Credible and effective institutions", "Institutions able to use assistance effectively.", False),
    ("sustain_investments", "Willingness to sustain investments", "Budgets and plans to sustain what is built.", False),
    ("equal_stake", "Equal stake", "Partner shares costs and ownership of outcomes.", False),
    ("ssr_commitment", "Commitment to security sector reform", "Commitment to reform of the security sector.", False),
    ("governance_human_rights", "Governance and human-rights record", "Accountability, rule of law, respect for human rights.", True),
]

FRAMEWORK_V2 = {
    **FRAMEWORK_V1,
    "version": 2,
    "name": "Conditions for sustainable capacity, with band caps (2026)",
    "published_on": dt.date(2026, 11, 30),
}

# (condition, max_band, reason)
CAPS_V2 = [
    ("human_rights", "review", "Governance / human-rights criterion at 2 or below: at most review."),
    ("open_crisis", "review", "Open crisis: review pending."),
]


def _seed(framework_model, criterion_model, definition: dict) -> object:
    framework, _ = framework_model.objects.get_or_create(
        version=definition["version"], defaults={k: v for k, v in definition.items() if k != "version"}
    )
    for order, (code, name, description, is_hr) in enumerate(CRITERIA_V1, start=1):
        criterion_model.objects.get_or_create(
            framework=framework,
            code=code,
            defaults={
                "name": name,
                "description": description,
                "weight": Decimal("1.000"),
                "is_human_rights": is_hr,
                "sort_order": order,
            },
        )
    return framework


def seed_framework_v1(framework_model, criterion_model) -> None:
    """Create version 1 and its criteria if absent (idempotent; takes models for migrations)."""
    _seed(framework_model, criterion_model, FRAMEWORK_V1)


def seed_framework_v2(framework_model, criterion_model, band_cap_model) -> None:
    """Create version 2, its criteria and its band caps if absent (idempotent)."""
    framework = _seed(framework_model, criterion_model, FRAMEWORK_V2)
    for condition, max_band, reason in CAPS_V2:
        band_cap_model.objects.get_or_create(
            framework=framework, condition=condition, defaults={"max_band": max_band, "reason": reason}
        )

"""Version 1 of the assessment framework (seeded by migration 0002, and by tests after a flush).

The criteria are the policy's conditions for sustainable capacity (fact sheet:
"political will, absorptive capacity, credible and effective institutions, willingness
to sustain investments, equal stake, commitment to security sector reform, and
governance and human-rights record"). Equal weights: the policy names them side by
side and ranks none above another.
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


def seed_framework_v1(framework_model, criterion_model) -> None:
    """Create version 1 and its criteria if absent (idempotent; takes models for migrations)."""
    framework, _ = framework_model.objects.get_or_create(
        version=FRAMEWORK_V1["version"], defaults={k: v for k, v in FRAMEWORK_V1.items() if k != "version"}
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

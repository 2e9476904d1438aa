"""Apps depend one way (docs/design.md): assessments reads the programs app's tables but
never writes them; a country's priority tier is written by ``programs.services.priorities``
(the assessments pages call it)."""
import re
from pathlib import Path

import assessments
from assessments.views import selectivity
from programs.services import priorities

PROGRAMS_MODELS = ("Country", "CountryPriorityTier", "PlanningCycle", "Program", "CrisisEvent")
WRITE = re.compile(
    rf"\b({'|'.join(PROGRAMS_MODELS)})\b[^\n]*\.(save|create|update|delete|bulk_create|bulk_update|"
    r"get_or_create|update_or_create)\("
)
SQL_WRITE = re.compile(r"\b(INSERT INTO|UPDATE|DELETE FROM)\s+\"?programs_", re.IGNORECASE)


def test_assessments_writes_no_table_of_the_programs_app():
    root = Path(assessments.__file__).parent
    offending = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py")) if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WRITE.search(line) or SQL_WRITE.search(line)
    ]
    assert offending == []


def test_the_tier_page_sets_tiers_through_the_programs_service():
    assert selectivity.priorities is priorities and "priority_tier_set" in vars(priorities)

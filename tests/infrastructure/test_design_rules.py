"""Design rules every template keeps (found by the visual check of issue 16's pages)."""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# USWDS's secondary button is red: the colour of actions that destroy or end something.
DESTRUCTIVE = re.compile(r"Archive|Terminate|terminate|Revoke|Delete|Remove", re.I)
RED_BUTTON = re.compile(r"<button[^>]*usa-button--secondary[^>]*>(.*?)</button>", re.S)


def test_red_buttons_are_only_for_destructive_actions():
    """A save, a pin, a return for revision or a crisis record is not destructive: those
    take the primary or outline style, never the red one."""
    misused = []
    for path in TEMPLATES.rglob("*.html"):
        for match in RED_BUTTON.finditer(path.read_text()):
            if not DESTRUCTIVE.search(match.group(0)):
                misused.append(f"{path.relative_to(TEMPLATES)}: {match.group(1).strip()}")
    assert misused == []

"""What every template keeps to, checked by reading them: USWDS form markup (a fieldset is
a ``usa-fieldset`` with a ``usa-legend``; radio and checkbox lists come from the form
renderer, not hand-made)."""
import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


def _tags(name: str):
    for path in TEMPLATES:
        for match in re.finditer(rf"<{name}\b[^>]*>", path.read_text()):
            yield path.relative_to(settings.BASE_DIR), match.group(0)


def test_templates_are_found():
    assert len(TEMPLATES) > 50


def test_every_fieldset_and_legend_is_uswds():
    assert [(str(p), tag) for p, tag in _tags("fieldset") if "usa-fieldset" not in tag] == []
    assert [(str(p), tag) for p, tag in _tags("legend") if "usa-legend" not in tag] == []


def test_no_template_draws_radio_or_checkbox_options_by_hand():
    """Options come from ``templates/django/forms/widgets/multiple_input.html`` (through
    ``partials/form_fields.html``), which gives them the USWDS markup."""
    assert [str(p.relative_to(settings.BASE_DIR)) for p in TEMPLATES if "choice.tag" in p.read_text()] == []

"""What every template keeps to, checked by reading them: USWDS form markup (a fieldset is
a ``usa-fieldset`` with a ``usa-legend``; radio and checkbox lists come from the form
renderer, not hand-made), and American English in what users read (templates, the labels
and help texts of every model field and choice, the docs), for US federal staff."""
import re
from pathlib import Path

import pytest
from django.conf import settings

from infrastructure.text import portal_app_configs

# Common British spellings (whole words; -ise/-isation of the usual stems). Names of real
# organizations keep their own spelling (the demo catalogue's "Geneva Centre ..."), and code
# (template tags, `code spans`, identifiers) is not prose.
BRITISH = re.compile(
    r"\b(\w*(colour|centre|programme|licence|behaviour|favour|labour|honour|neighbour|catalogue|judgement|defence"
    r"|kilometre|enrolment|acknowledgement)\w*|analys(e|ed|ing)|cancelled|cancelling|modelling|labelled|grey|whilst"
    r"|amongst|tonnes?"
    r"|\w*(summar|recogn|normal|priorit|author|maxim|minim|special|initial|organ|real|final|custom|visual|standard"
    r"|util|categor|modern|optim|serial|sanit|stabil|mobil|local)is(e|ed|es|ing|ation|ations|er|ers))\b",
    re.IGNORECASE,
)
TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>", re.S)
MARKDOWN_CODE = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)]*\)|https?://\S+", re.S)
DOCS = sorted([Path(settings.BASE_DIR, "README.md"), *Path(settings.BASE_DIR, "docs").glob("*.md")])

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


def _british(text: str) -> list[str]:
    return sorted({m.group(0) for m in BRITISH.finditer(text)})


def test_the_check_knows_the_common_british_spellings():
    assert _british("Deprioritise the colour of the programme centre; organisation labour; Acknowledgements") == [
        "Acknowledgements", "Deprioritise", "centre", "colour", "labour", "organisation", "programme"]
    assert _british("Deprioritize the color of the program center; organization labor; promise, raise, crises; "
                    "Acknowledgments") == []


@pytest.mark.parametrize("kind", ["templates", "docs"])
def test_what_users_read_is_in_american_english(kind):
    paths, code = (TEMPLATES, TEMPLATE_CODE) if kind == "templates" else (DOCS, MARKDOWN_CODE)
    found = {str(p.relative_to(settings.BASE_DIR)): _british(code.sub(" ", p.read_text())) for p in paths}
    assert {path: words for path, words in found.items() if words} == {}


def test_model_labels_help_texts_and_choices_are_in_american_english():
    found = []
    for config in portal_app_configs():
        for model in config.get_models():
            texts = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
            for field in model._meta.get_fields():
                texts += [str(getattr(field, "verbose_name", "")), str(getattr(field, "help_text", ""))]
                texts += [str(label) for _, label in (getattr(field, "flatchoices", None) or [])]
            found += [f"{model.__name__}: {word}" for text in texts for word in _british(text)]
    assert found == []


# Labels Django makes from field and model names keep them raw: "piv level", "evidence url",
# "local password sign in". Acronyms are capitalized (PIV, MOE, URL, USD) or spelled out,
# and the noun is "sign-in". (Help texts are sentences; they may say "sign in".)
RAW_LABEL = re.compile(r"\b(piv|cac|acr|amr|moes?|url|usd|fy|id|iso3?|oidc|api|otp|totp|iati|dac|pdf|csv|xlsx)\b"
                       r"|\bsign (in|out)\b")


def test_the_label_check_knows_raw_acronyms_and_the_noun_sign_in():
    assert [bool(RAW_LABEL.search(label)) for label in (
        "piv level", "evidence url", "local password sign in", "moes with data", "amount usd", "start fy",
        "PIV card level", "evidence URL", "local password sign-in", "MOEs with data", "amount (USD)", "identity",
    )] == [True] * 6 + [False] * 6


def test_admin_labels_spell_out_acronyms_and_say_sign_in():
    """Every label of the portal's models (model names, field labels, choices) as the
    admin and the forms show them; history models follow their originals (their own
    ``history id`` is django-simple-history's)."""
    found = []
    for config in portal_app_configs():
        for model in config.get_models():
            if model.__name__.startswith("Historical"):
                continue
            texts = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
            for field in model._meta.get_fields():
                texts.append(str(getattr(field, "verbose_name", "")))
                texts += [str(label) for _, label in (getattr(field, "flatchoices", None) or [])]
            found += [f"{model.__name__}: {text}" for text in texts if RAW_LABEL.search(text)]
    assert found == []

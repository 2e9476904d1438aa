"""Text hygiene: the one definition of which characters stored text may hold.

C0 control characters (U+0000-U+001F) are refused at input: NUL cannot be stored by
PostgreSQL, and the others break XML (IATI), XLSX and terminals while meaning nothing to
a reader. Long text (``TextField``, multi-line API fields) keeps tab, line feed and
carriage return (browsers send line breaks as CR LF). Lone surrogates are refused too
(PostgreSQL cannot store them).

``text_validators_attach`` (run once from ``InfrastructureConfig.ready``) adds the
validator to every ``CharField`` and ``TextField`` of the portal's models, so
``full_clean`` (services' ``validated_save``, ModelForms, the Django admin) and DRF model
serializers refuse such text; the API's ``Text`` field and bulk callers (the importer)
call ``control_characters_error`` directly. ``control_characters_strip`` is for writers
(exports) that must never fail on text stored before the rule.
"""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models

_SHORT = re.compile(r"[\x00-\x1f\ud800-\udfff]")
_LONG = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")  # keeps \t \n \r

def portal_app_configs() -> list:
    """The installed apps that are the portal's own code (third-party apps, installed in
    site-packages, keep their own rules): their models get the validator."""
    from django.apps import apps
    from django.conf import settings

    base = str(settings.BASE_DIR)
    return [
        config for config in apps.get_app_configs()
        if str(config.path).startswith(base) and "site-packages" not in str(config.path)
    ]


def control_characters_error(value: str, *, multiline: bool = False) -> str | None:
    """The message for the first refused character in ``value`` ("Remove the control
    character U+0001 (position 7)."), or None when ``value`` is clean. Pure."""
    match = (_LONG if multiline else _SHORT).search(value or "")
    if match is None:
        return None
    char = match.group()
    if "\ud800" <= char <= "\udfff":
        return f"Text contains invalid Unicode (unpaired surrogate) at position {match.start() + 1}."
    hint = " (line breaks and tabs only in long text)" if char in "\t\n\r" else ""
    return f"Remove the control character U+{ord(char):04X} (position {match.start() + 1}){hint}."


def control_characters_strip(value: str) -> str:
    """``value`` without the characters the rule refuses (tab and line breaks kept), for
    writers (XLSX, CSV, XML) that must not fail on old data."""
    return _LONG.sub("", value)


_SHOWN_AS_CODE = re.compile(r"[\x00-\x1f\ud800-\udfff]")  # characters no page or report can show


def _as_code(match: re.Match) -> str:
    """A control character or lone surrogate as its code."""
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def typed_for_message(value: str, *, limit: int = 60) -> str:
    """What a person typed, fit to quote in an error message: the characters as typed
    (a full-width or Arabic-Indic digit, which numbers refuse, is shown as the person sees
    it; the message names its code), except those no page can show (control characters,
    lone surrogates), shown as their code (``\\x00``, ``\\ud800``); at most ``limit``
    characters (then "...")."""
    shown = _SHOWN_AS_CODE.sub(_as_code, value)
    return shown if len(shown) <= limit else shown[:limit].rstrip() + "..."


def refuse_control_characters(value: str) -> None:
    """Validator for single-line text (CharField)."""
    error = control_characters_error(value) if isinstance(value, str) else None
    if error:
        raise ValidationError(error, code="control_character")


def refuse_control_characters_multiline(value: str) -> None:
    """Validator for long text (TextField): tab, line feed and carriage return allowed."""
    error = control_characters_error(value, multiline=True) if isinstance(value, str) else None
    if error:
        raise ValidationError(error, code="control_character")


def text_validators_attach(model_classes) -> int:
    """Add the right validator to every CharField/TextField of ``model_classes``; returns
    how many fields got it. Appends to the field's computed ``validators`` list, not to
    its constructor arguments, so migrations do not change."""
    attached = 0
    for model in model_classes:
        for field in model._meta.local_fields:
            if isinstance(field, models.TextField):
                validator = refuse_control_characters_multiline
            elif isinstance(field, models.CharField):
                validator = refuse_control_characters
            else:
                continue
            if validator not in field.validators:
                field.validators.append(validator)
                attached += 1
    return attached


def shortened(text: str, limit: int = 60) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis
    when cut ("Strengthen maritime border…"), whole when it fits: for names of records in
    lists and the admin, where the full text is on the record's own page. Pure."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"

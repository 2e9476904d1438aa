"""Input fields that refuse what the database cannot store, with a field-named message."""
from __future__ import annotations

from django.core.validators import RegexValidator
from rest_framework import serializers

from infrastructure.numbers import foreign_digit_problem
from infrastructure.text import control_characters_error
from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR

ID_MAX = 2**63 - 1
# FY2027, FY2027-H1, FY2027-Q1 (any case) with a year in MIN_FISCAL_YEAR..MAX_FISCAL_YEAR.
assert (MIN_FISCAL_YEAR, MAX_FISCAL_YEAR) == (1990, 2100), "update PERIOD_PATTERN's years"
PERIOD_PATTERN = r"^[Ff][Yy](?:199[0-9]|20[0-9][0-9]|2100)(?:-(?:[Qq][1-4]|[Hh][12]))?$"


class _AsciiDigits:
    """Refuses a string with digits other than 0-9 (``infrastructure.numbers.
    foreign_digit_problem``: DRF, like Python, reads "\u0661\u0662" as 12), before the
    field's own parsing; the schema's patterns (``\\d``) already say 0-9."""

    typed = "number"  # named in the advice: "type the number with the digits 0-9"

    def to_internal_value(self, data):
        problem = foreign_digit_problem(data, what=self.typed) if isinstance(data, str) else None
        if problem:
            raise serializers.ValidationError(f"{problem}.", code="invalid")
        return super().to_internal_value(data)


class DecimalNumber(_AsciiDigits, serializers.DecimalField):
    """The API's decimal field: DRF's, with digits 0-9 only."""


class WholeNumber(_AsciiDigits, serializers.IntegerField):
    """The API's integer field: DRF's, with digits 0-9 only."""


class IsoDate(_AsciiDigits, serializers.DateField):
    """The API's date field: DRF's (ISO 8601, 2026-09-30), with digits 0-9 only (DRF reads
    "\u0662\u0660\u0662\u0666-09-30" as 2026-09-30)."""

    typed = "date"


class RowId(_AsciiDigits, serializers.PrimaryKeyRelatedField):
    """The id of a row (DRF's primary-key field), with digits 0-9 only: DRF looks "\u0661\u0662"
    up as row 12."""

    typed = "id"


class Text(serializers.CharField):
    """CharField that refuses control characters and lone surrogates
    (``infrastructure.text``); ``multiline=True`` for long text keeps tab and line breaks."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)
        self.validators.append(self._refuse_control_characters)

    def _refuse_control_characters(self, value: str) -> None:
        error = control_characters_error(value, multiline=self.multiline)
        if error:
            raise serializers.ValidationError(error)


class PeriodCode(Text):
    """A reporting period code (programs.fiscal.Period), exactly as written: no trimming,
    so that the pattern in the schema is the whole rule."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", "FY2027, FY2027-H1 or FY2027-Q1")
        super().__init__(trim_whitespace=False, **kwargs)
        self.validators.append(RegexValidator(PERIOD_PATTERN, "Write a period as FY2027, FY2027-H1 or FY2027-Q1."))


# http(s) URLs that Django's URLValidator takes: lower-case host labels of letters and
# digits, a TLD of letters, then an optional path. Stricter than the validator (which also
# takes ports, IP addresses and IDNs), so that the schema's pattern is the whole rule.
URL_PATTERN = r"https?://[a-z0-9]+(?:\.[a-z0-9]+)*\.[a-z]{2,63}(?:/[A-Za-z0-9._~/-]*)?"


class UrlLines(Text):
    """Links, one URL (URL_PATTERN) per line; may be blank (the empty string)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "One URL per line.")
        super().__init__(multiline=True, required=False, allow_blank=True, trim_whitespace=False, **kwargs)
        self.validators.append(RegexValidator(rf"^(?:{URL_PATTERN}\n)*{URL_PATTERN}$",
                                              "Write one http(s) link per line."))


class IdList(serializers.ListField):
    """A list of ids of ``model`` rows, checked in one query; returns the ids."""

    def __init__(self, *, model, max_length: int = 500, **kwargs):
        self.model = model
        super().__init__(child=WholeNumber(min_value=1, max_value=ID_MAX), max_length=max_length, **kwargs)

    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        found = set(self.model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing = sorted(set(ids) - found)
        if missing:
            raise serializers.ValidationError(f"Unknown id(s): {', '.join(map(str, missing[:20]))}.")
        return list(dict.fromkeys(ids))


class VersionField(WholeNumber):
    """The version of a record the client read (optimistic locking, docs/concurrency.md).

    Optional in the input so that the service applies the one rule: omitted or 0 means
    "expected absent"; over an existing row that is a conflict (409), like a stale one.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)

"""The program picker (a :mod:`programs.forms.pickers` use): the program code box that
searches ``programs:program-pick`` (``programs.selectors.programs.program_search``) as
the user types. The field takes a program code (any case) or, for older links and pinned
reports (``?program=<id>``), a program id; an unknown code, an unknown id or a program the
picker does not offer (archived) is a field error naming the problem.
"""
from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q

from ..models import Program
from ..selectors.programs import PICKABLE
from .pickers import PickerChoiceField, is_record_id


def program_label(code: str, title: str) -> str:
    """How a picker names a program: "code — title"."""
    return f"{code} — {title}"


class ProgramChoiceField(PickerChoiceField):
    """A program, given by its code (or id); cleans to a :class:`Program` or ``None``."""

    model = Program
    search_url = "programs:program-pick"
    placeholder = "Type a program code or title"
    nothing_found = "No program matches"
    longest_key = 40  # no code is longer
    default_error_messages = {
        "unknown": "No program has the code “%(value)s”: type the program code, e.g. DOD-2026-0042.",
        "archived": "Program %(value)s is archived: choose a program in use.",
    }

    def __init__(self, *, help_text: str = "Type part of its code or title, then choose it (without JavaScript: "
                                           "the full code).", **kwargs):
        super().__init__(help_text=help_text, **kwargs)

    def record_key(self, record: Program) -> str:
        return record.code

    def record_label(self, record: Program) -> str:
        return program_label(record.code, record.title)

    def _lookup(self, value: str) -> Program | None:
        """The program whose code is ``value`` (as typed or in capitals: both use the
        code's unique index) or, for a number that is no code, whose id it is."""
        match = Q(code__in={value, value.upper()})
        if is_record_id(value):
            match |= Q(pk=int(value))
        rows = sorted(
            Program.objects.filter(match).annotate(pickable=ExpressionWrapper(PICKABLE, output_field=BooleanField()))[:3],
            key=lambda program: program.code.upper() != value.upper(),  # a code beats an id
        )
        return rows[0] if rows else None

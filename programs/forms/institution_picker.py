"""The partner institution picker (a :mod:`programs.forms.pickers` use): a box of the
institution's "name (ISO3)" that searches ``programs:institution-pick``
(``programs.selectors.records.institution_search``) as the user types. The field takes
"name (ISO3)" (any case) or, for a model form's initial value and older links, an
institution id; an unknown name, an unknown id or an archived institution is a field
error naming the problem.
"""
from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q

from ..models import PartnerInstitution
from ..selectors.records import PICKABLE_INSTITUTION, institution_label
from .pickers import PickerChoiceField, is_record_id


class InstitutionChoiceField(PickerChoiceField):
    """A partner institution, given as "name (ISO3)" (or its id); cleans to a
    :class:`PartnerInstitution` or ``None``."""

    model = PartnerInstitution
    search_url = "programs:institution-pick"
    placeholder = "Type part of the institution's name or its country code"
    nothing_found = "No partner institution matches"
    longest_key = 256  # a name (250) and " (ISO)"
    default_error_messages = {
        "unknown": "No partner institution is “%(value)s”: type part of its name, then choose it "
                   "(without JavaScript: its name and country code, e.g. National Police (KEN)).",
        "archived": "Partner institution %(value)s is archived: choose one in use.",
    }

    def __init__(self, *, help_text: str = "Type part of its name, then choose it (without JavaScript: its name "
                                           "and country code, e.g. National Police (KEN)).", **kwargs):
        super().__init__(help_text=help_text, **kwargs)

    def record_key(self, record: PartnerInstitution) -> str:
        return institution_label(record.name, record.country.iso3)

    def record_label(self, record: PartnerInstitution) -> str:
        return self.record_key(record)

    def _lookup(self, value: str) -> PartnerInstitution | None:
        """The institution ``value`` names: "name (ISO3)" (the name as typed first, then
        in any case: the first uses the unique index of country and name) or an id."""
        match, name = Q(pk__in=[]), None
        if value.endswith(")") and " (" in value:
            name, iso3 = value[:-1].rsplit(" (", 1)
            name = name.strip()
            match |= Q(country__iso3__iexact=iso3.strip(), name__iexact=name)
        if is_record_id(value):
            match |= Q(pk=int(value))
        rows = sorted(
            PartnerInstitution.objects.filter(match).select_related("country")
            .annotate(pickable=ExpressionWrapper(PICKABLE_INSTITUTION, output_field=BooleanField()))[:3],
            key=lambda institution: (institution.name != name, str(institution.pk) == value),  # the name as typed first
        )
        return rows[0] if rows else None

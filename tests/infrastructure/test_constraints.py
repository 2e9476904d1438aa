"""Every model constraint refuses in words (infrastructure/constraints.py): a human
message that names no constraint, on the field it is about, through full_clean (forms,
admin, API, importer)."""
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import BaseConstraint

from infrastructure.constraints import CheckConstraint, UniqueConstraint
from tests import factories

OURS = {"programs", "assessments", "allocation", "evaluations", "notifications", "reports", "identity", "api"}


def _constraints():
    for model in apps.get_models():
        if model._meta.app_label in OURS:
            for constraint in model._meta.constraints:
                yield model, constraint


def test_every_constraint_is_ours_with_a_message_in_words():
    walked = list(_constraints())
    assert len(walked) > 80
    for model, constraint in walked:
        where = f"{model._meta.label}.{constraint.name}"
        assert isinstance(constraint, (CheckConstraint, UniqueConstraint)), where
        message = constraint.violation_error_message
        assert message != BaseConstraint.default_violation_error_message, where
        assert constraint.name not in message and not re.search(r"\b[a-z]+_[a-z_]+\b", message), where
        assert message[0].isupper() and message.endswith("."), where
        if constraint.field is not None:
            assert constraint.field in {f.name for f in model._meta.get_fields()}, where
        if isinstance(constraint, UniqueConstraint):
            assert constraint.violation_error_code == "unique", where  # a value taken: 409 in the API


@pytest.mark.django_db
def test_a_violated_check_constraint_is_a_field_error_in_words(agency_a):
    program = factories.ProgramFactory.build(lead_agency=agency_a, start_fy=2028, end_fy=2027)
    with pytest.raises(ValidationError) as caught:
        program.validate_constraints()
    assert caught.value.message_dict == {"end_fy": ["The end fiscal year cannot be before the start fiscal year."]}


@pytest.mark.django_db
def test_a_violated_unique_constraint_is_a_field_error_coded_unique(agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a)
    factories.FundingFactory(program=program, fiscal_year=2026)
    again = program.funding.model(program=program, fiscal_year=2026)
    with pytest.raises(ValidationError) as caught:
        again.validate_constraints()
    assert caught.value.message_dict == {"fiscal_year": ["This program already has funding for that fiscal year."]}
    assert caught.value.error_dict["fiscal_year"][0].code == "unique"
    assert program.funding.count() == 1

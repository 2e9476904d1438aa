"""Numbers are typed with the digits 0-9 (infrastructure.numbers.foreign_digit_problem).

Python, Django's form fields and DRF read the digits of every script as numbers
("\u0661\u0662" is 12), so a pasted Arabic-Indic or full-width digit was saved as an
ASCII number the analyst never saw. US staff type ASCII: such a digit is refused, naming
the field and showing the character by its code, in the forms (decimal and whole-number
fields; the program form: tests/programs/test_pages_programs.py), the grid, the API and
the importer."""
import inspect
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from api import serializers as api_serializers
from api.serializers import allocation, assessments, measures, programs
from api.serializers.fields import DecimalNumber, IsoDate, RowId, WholeNumber
from api.tokens import api_token_issue
from infrastructure.numbers import NumberError, USIntegerField, foreign_digit_problem, number_from_text
from infrastructure.text import typed_for_message
from programs.models import Measurement, ProgramStatus
from tests import factories
from tests.importing.conftest import measurement_row, measurements_csv, moe_row, moes_csv, program_row, programs_csv
from tests.importing.test_import_service import _errors, _import, _preview

pytestmark = pytest.mark.django_db

ARABIC_12 = "\u0661\u0662"
REFUSED_12 = "'\u0661\u0662' has the digit U+0661 (arabic-indic digit one) at position 1; type the number with the digits 0-9"


@pytest.mark.parametrize("typed, problem", [
    (ARABIC_12, REFUSED_12),
    (" 1,2\uff13\uff14 ", "'1,2\uff13\uff14' has the digit U+FF13 (fullwidth digit three) at position 4; type the number "
                          "with the digits 0-9"),
    ("\u0968\u0966", "'\u0968\u0966' has the digit U+0968 (devanagari digit two) at position 1; type the number with "
                     "the digits 0-9"),
    ("1,234.5", None), ("\u00b2", None),  # a superscript is no digit: "not a number" (below)
])
def test_a_digit_other_than_0_to_9_is_refused_by_its_code(typed, problem):
    assert foreign_digit_problem(typed) == problem
    if problem:
        with pytest.raises(NumberError) as error:
            number_from_text(typed)
        assert str(error.value) == problem


def test_number_from_text_reads_ascii_only():
    with pytest.raises(NumberError, match="is not a number"):
        number_from_text("\u00b2")
    assert number_from_text(" 1,234.5 ") == Decimal("1234.5")


def test_messages_show_such_digits_and_other_letters_as_typed_and_control_characters_as_codes():
    # the person sees the digit they typed; the message names its code beside it
    assert typed_for_message("caf\u00e9 \u0661\uff11\x00") == "caf\u00e9 \u0661\uff11" + r"\x00"


def test_whole_number_fields_refuse_them():
    field = USIntegerField(label="Fiscal year")
    assert field.clean("2027") == 2027
    with pytest.raises(Exception) as error:
        field.clean("\u0662\u0660\u0662\u0667")
    assert error.value.messages == [
        "Enter a whole number: '\u0662\u0660\u0662\u0667' has the digit U+0662 (arabic-indic digit two) at "
        "position 1; type the number with the digits 0-9."]


def test_the_grid_refuses_them_and_saves_nothing(client, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2027)
    moe = factories.MoeFactory(program=program)
    client.force_login(analyst_a)
    response = client.post(reverse("programs:measurement-grid", args=[program.pk]),
                           {"fy": "2026", f"value_{moe.pk}_FY2026-Q1": ARABIC_12})
    assert response.status_code == 400
    assert r"has the digit U+0661 (arabic-indic digit one)" in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_api_refuses_them_naming_the_field(analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a)
    _, token = api_token_issue(user=analyst_a, label="test", can_write=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": ARABIC_12},
                           format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"value": [f"{REFUSED_12}."]}
    response = client.post("/api/v1/measurements/", {"moe": moe.pk, "period": "FY2026-Q1", "value": "12"},
                           format="json")
    assert response.status_code == 201, response.json()


def test_a_number_filter_of_a_page_refuses_them(client, analyst_a):
    """The pages' filters are the API's (every API number filter: tests/api/test_list_query_refusals.py)."""
    client.force_login(analyst_a)
    response = client.get(reverse("programs:program-list"), {"fiscal_year": "\u0662\u0660\u0662\u0667"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["fiscal_year"] == [
        "Enter a number: '\u0662\u0660\u0662\u0667' has the digit U+0662 (arabic-indic digit two) at position 1; "
        "type the number with the digits 0-9."]


def _numeric_fields(field, path):
    if isinstance(field, serializers.ModelSerializer) and path.count(".") or isinstance(field, serializers.ListSerializer) \
            and isinstance(field.child, serializers.ModelSerializer):
        return  # a representation nested in an answer (the API reads input with plain serializers only)
    if isinstance(field, serializers.BaseSerializer) and hasattr(field, "fields"):
        for name, child in field.fields.items():
            yield from _numeric_fields(child, f"{path}.{name}")
    elif isinstance(field, serializers.ListSerializer | serializers.ListField):
        yield from _numeric_fields(field.child, f"{path}[]")
    elif isinstance(field, serializers.DecimalField | serializers.IntegerField | serializers.DateField
                    | serializers.PrimaryKeyRelatedField) and not field.read_only:
        yield path, field


def test_every_number_the_api_reads_refuses_them():
    """The kind: every writable decimal, integer, date or id field of the API's input serializers."""
    found = []
    for module in (allocation, assessments, measures, programs):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.Serializer) and not issubclass(cls, serializers.ModelSerializer) \
                    and cls.__module__.startswith(api_serializers.__name__):
                found += list(_numeric_fields(cls(), name))
    assert len(found) > 15
    assert {type(field) for _, field in found} >= {IsoDate, RowId}
    assert [path for path, field in found if not isinstance(field, DecimalNumber | WholeNumber | IsoDate | RowId)] == []


def test_the_importer_refuses_them_naming_the_column(analyst_a):
    _import(analyst_a, programs_csv(program_row()))
    job = _preview(analyst_a, moes_csv(moe_row(target="\u0666")), "moes.csv")
    assert _errors(job) == [(2, "target", "'\u0666' has the digit U+0666 (arabic-indic digit six) at position 1; "
                                           "type the number with the digits 0-9")]
    _import(analyst_a, moes_csv(moe_row()), "moes.csv")
    job = _preview(analyst_a, measurements_csv(measurement_row(value=ARABIC_12)), "m.csv")
    assert _errors(job) == [(2, "value", REFUSED_12)]


# --- Dates, ids and record choices: every form, filter, admin form, API field and cell ----

ARABIC_DATE = "\u0662\u0660\u0662\u0666-10-01"  # Django, DRF and strptime read it as 2026-10-01
REFUSED_DATE = ("'\u0662\u0660\u0662\u0666-10-01' has the digit U+0662 (arabic-indic digit two) at position 1; "
                "type the date with the digits 0-9")


def _arabic(number: int) -> str:
    return "".join(chr(0x0660 + int(digit)) for digit in str(number))


def test_a_date_field_of_a_form_refuses_them_naming_the_field():
    """Given the crisis form (a date and a country chosen from a list), a date typed with
    Arabic-Indic digits and a country id pasted with full-width ones are each their field's
    error; the same date in 0-9 is read."""
    from evaluations.forms import CrisisEventForm

    kenya = factories.country("KEN")
    fullwidth_id = "".join(chr(0xFF10 + int(digit)) for digit in str(kenya.pk))
    form = CrisisEventForm(data={"country": fullwidth_id, "title": "Flooding", "occurred_on": ARABIC_DATE})
    assert not form.is_valid()
    assert form.errors["occurred_on"] == [f"Enter a date: {REFUSED_DATE}."]
    assert form.errors["country"][0].startswith(f"Choose from the list: '{typed_for_message(fullwidth_id)}' has the digit "
                                                "U+FF1")
    assert form.errors["country"][0].endswith("type the id with the digits 0-9.")
    assert "occurred_on" not in form.cleaned_data and "country" not in form.cleaned_data
    form = CrisisEventForm(data={"country": kenya.pk, "title": "Flooding", "occurred_on": "2026-10-01"})
    assert form.is_valid(), form.errors


def test_the_admin_forms_refuse_them(rf):
    """The admin's forms (here a country's, whose State bureau is chosen by id) apply the
    same rule: the admin saves through the services, but Django reads the id first."""
    from django.contrib import admin

    from programs.models import Country

    kenya = factories.country("KEN")
    request = rf.get("/")
    request.user = factories.UserFactory(username="superuser", is_superuser=True, is_staff=True)
    form_class = admin.site._registry[Country].get_form(request, kenya, change=True)
    data = {"iso3": "KEN", "iso2": "KE", "name": "Kenya", "state_bureau": _arabic(kenya.state_bureau_id),
            "combatant_command": kenya.combatant_command_id}
    form = form_class(data=data, instance=kenya)
    assert not form.is_valid()
    assert "has the digit U+066" in form.errors["state_bureau"][0]
    assert set(form.errors) == {"state_bureau"}


@pytest.mark.parametrize("path, name, value", [
    ("/api/v1/recommendations/", "due_before", ARABIC_DATE),
    ("/api/v1/programs/", "updated_since", ARABIC_DATE + "T00:00:00Z"),
    ("/api/v1/allocation-scenarios/", "fiscal_year", "\u0662\u0660\u0662\u0667"),  # a filter made from filterset_fields
    ("/api/v1/measurements/", "fiscal_year", "\uff12\uff10\uff12\uff17"),
])
def test_the_api_filters_refuse_them_naming_the_filter(manager, path, name, value):
    _, token = api_token_issue(user=manager, label="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get(path, {name: value})
    assert response.status_code == 400, (path, response.content[:300])
    errors = response.json()["errors"]
    assert list(errors) == [name] and "with the digits 0-9" in errors[name][0]
    assert client.get(path, {name: value.translate({c: ord("0") + i for i in range(10) for c in (0x660 + i, 0xFF10 + i)})
                             }).status_code == 200


def test_the_api_refuses_them_in_dates_and_ids(analyst_a, program_a):
    moe = factories.MoeFactory(program=program_a)
    _, token = api_token_issue(user=analyst_a, label="test", can_write=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post("/api/v1/measurements/", {"moe": _arabic(moe.pk), "period": "FY2026-Q1", "value": "12",
                                                     "collected_on": ARABIC_DATE}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["collected_on"] == [f"{REFUSED_DATE}."]
    assert errors["moe"][0].endswith("type the id with the digits 0-9.")
    assert not Measurement.objects.exists()


def test_the_importer_refuses_them_in_dates(analyst_a):
    from programs.importing import cells

    with pytest.raises(cells.CellError) as error:
        cells.date(ARABIC_DATE)
    assert str(error.value) == REFUSED_DATE
    assert cells.date("2026-10-01").isoformat() == "2026-10-01"


def test_a_tampered_version_or_grid_year_is_not_read_as_another_number(agency_a):
    from programs.forms.change_fields import version_int
    from programs.selectors.measures import grid_fiscal_year

    assert version_int("\u0661") == 0 and version_int("1") == 1  # 0: stale, refused
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=2025, end_fy=2030)
    assert grid_fiscal_year(program, "2027") == 2027
    assert grid_fiscal_year(program, "\u0662\u0660\u0662\u0667") == grid_fiscal_year(program, None)

"""One rule for an MOE's numbers, everywhere they are entered (the grid, the MOE form, the
API; the importer: tests/importing/test_import_service.py):

- a percent MOE's values, targets and baseline are 0 to 100 (250 was accepted), unless
  it allows negative values (a change in percent);
- a negative value where the MOE allows none is refused in words;
- numbers are read as US users type them ("1,234.5"), nonsense is refused naming the field.
"""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from django.urls import reverse

from infrastructure.numbers import NumberError, number_from_text
from programs.models import MeasureOfEffectiveness, Measurement, Target, moe_value_problem, unit_is_percent
from programs.services.measures import measurement_record, moe_create, moe_update, target_set
from tests import factories

pytestmark = pytest.mark.django_db

PERCENT_TOO_HIGH = "Enter a percentage from 0 to 100: 250 is more than 100."


# --- the rules, pure ------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, allows_negative, problem", [
    ("0", "percent", False, None),
    ("100", "%", False, None),
    ("100.0001", "Percent", False, "Enter a percentage from 0 to 100: 100.0001 is more than 100."),
    ("250", "percentage", False, PERCENT_TOO_HIGH),
    ("250", "percent", True, None),  # a change in percent: the definition lifts the bound
    ("-15", "percent", True, None),
    ("-3", "officers", False, "Enter zero or more: -3 is negative, and this measure (officers) does not allow negative values."),
    ("-3", "officers", True, None),
    ("250", "officers", False, None),
])
def test_moe_value_problem(value, unit, allows_negative, problem):
    assert moe_value_problem(Decimal(value), unit=unit, allows_negative=allows_negative) == problem


def test_the_sql_face_strips_what_python_strips():
    from programs.models.measures import WHITESPACE

    assert WHITESPACE == "".join(chr(code) for code in range(0x110000) if chr(code).isspace())


def test_percent_units():
    assert [unit_is_percent(u) for u in ("percent", " % ", "Percentage", "per cent", "percent change", "officers")] == \
        [True, True, True, True, False, False]


@pytest.mark.parametrize("text, number", [
    ("1,234.5", "1234.5"), ("1,234,567", "1234567"), ("1234.5", "1234.5"), (" $1,200 ", "1200"),
    ("-1,234.5", "-1234.5"), ("(1,234)", "-1234"), ("USD 12", "12"), (".5", "0.5"), ("7.", "7"),
])
def test_us_numbers_are_read(text, number):
    assert number_from_text(text) == Decimal(number)


@pytest.mark.parametrize("text, why", [
    ("1.234,5", "is ambiguous"), ("12,5", "is ambiguous"), ("12,34,567", "misplaced thousands separators"),
    ("1 234", "spaces between digit groups"), ("abc", "is not a number"), ("1e3", "is not a number"),
    ("-", "enter 0 for zero"), ("", "is not a number"), ("1,2,3", "misplaced thousands separators"),
])
def test_nonsense_is_refused_saying_why(text, why):
    with pytest.raises(NumberError, match=why):
        number_from_text(text)


@pytest.mark.parametrize("text, message", [
    ("1 234", "'1 234' uses spaces between digit groups; write it as 1,234 or 1234"),
    ("-1 234 567.5", "'-1 234 567.5' uses spaces between digit groups; write it as -1,234,567.5 or -1234567.5"),
    ("12 34", "'12 34' has spaces between digits; write a number without them, like 1,234,567.89 or 1234567.89"),
    ("12,34,567", "'12,34,567' has misplaced thousands separators; write it as 1,234,567 or 1234567"),
    ("$1234,567.25", "'$1234,567.25' has misplaced thousands separators; write it as 1,234,567.25 or 1234567.25"),
    ("1,2,3", "'1,2,3' has misplaced thousands separators; write a number like 1,234,567.89 or 1234567.89"),
    ("1.234,56", "'1.234,56' is ambiguous: it looks like it uses a comma as the decimal separator and dots between "
                 "digit groups; if you mean 1234.56, write it as 1,234.56 or 1234.56"),
    ("12,5", "'12,5' is ambiguous: it looks like it uses a comma as the decimal separator; if you mean 12.5, "
             "write it as 12.5"),
    ("1.234.567", "'1.234.567' is ambiguous: it looks like it uses dots between digit groups; if you mean 1234567, "
                  "write it as 1,234,567 or 1234567"),
])
def test_the_message_names_the_problem_and_writes_the_users_own_number(text, message):
    """The suggestion is the number typed, written the US way, when its separators admit
    one reading; a generic example otherwise (it was always "write it as 1234567.89")."""
    with pytest.raises(NumberError) as error:
        number_from_text(text)
    assert str(error.value) == message


def test_a_lone_dash_is_zero_only_in_accountants_tables():
    assert number_from_text("\u2013", dash_is_zero=True) == 0


# --- services (pages, API and the importer write through them) ------------------------

@pytest.fixture
def percent_moe(proposed_program):
    return factories.MoeFactory(program=proposed_program, unit="percent", baseline_value=Decimal("20"))


def test_a_percent_value_target_or_baseline_above_100_is_refused_by_field(analyst_a, proposed_program, percent_moe):
    with pytest.raises(ValidationError) as error:
        measurement_record(user=analyst_a, moe=percent_moe, period="FY2026-Q1", value=Decimal("250"))
    assert error.value.message_dict == {"value": [PERCENT_TOO_HIGH]}
    with pytest.raises(ValidationError) as error:
        target_set(user=analyst_a, moe=percent_moe, period="FY2026-Q1", value=Decimal("250"))
    assert error.value.message_dict == {"value": [PERCENT_TOO_HIGH]}
    with pytest.raises(ValidationError) as error:
        moe_create(user=analyst_a, program=proposed_program, data={
            "name": "Share", "unit": "percent", "baseline_value": Decimal("20"), "baseline_date": "2024-09-30",
        }, targets=[{"period": "FY2026-Q1", "value": Decimal("60")}, {"period": "FY2026-Q2", "value": Decimal("250")}])
    assert error.value.message_dict == {"targets.1.value": [f"FY2026-Q2: {PERCENT_TOO_HIGH}"]}
    with pytest.raises(ValidationError) as error:
        moe_create(user=analyst_a, program=proposed_program, data={
            "name": "Share", "unit": "%", "baseline_value": Decimal("250"), "baseline_date": "2024-09-30",
        })
    assert error.value.message_dict == {"baseline_value": [PERCENT_TOO_HIGH]}
    assert not Measurement.objects.exists() and not Target.objects.exists()
    assert list(MeasureOfEffectiveness.objects.all()) == [percent_moe]


def test_an_existing_target_changed_above_100_is_refused(analyst_a, percent_moe):
    target = target_set(user=analyst_a, moe=percent_moe, period="FY2026-Q1", value=Decimal("60"))
    with pytest.raises(ValidationError):
        target_set(user=analyst_a, moe=percent_moe, period="FY2026-Q1", value=Decimal("250"), version=target.version)
    target.refresh_from_db()
    assert target.value == Decimal("60")


def test_a_percent_change_may_exceed_100(analyst_a, proposed_program):
    moe = factories.MoeFactory(program=proposed_program, unit="percent", allows_negative=True)
    assert measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=Decimal("250")).value == 250


# --- pages ------------------------------------------------------------------------------

def test_the_grid_takes_us_numbers_and_refuses_a_percent_above_100(client, analyst_a, proposed_program, percent_moe):
    count = factories.MoeFactory(program=proposed_program, unit="officers")
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[proposed_program.pk])
    response = client.post(url, {"fy": "2026", f"value_{count.pk}_FY2026-Q1": "1,234.5",
                                 f"value_{percent_moe.pk}_FY2026-Q1": "250"})
    assert response.status_code == 400
    assert PERCENT_TOO_HIGH.encode() in response.content
    assert not Measurement.objects.exists()  # all or nothing
    response = client.post(url, {"fy": "2026", f"value_{count.pk}_FY2026-Q1": "1,234.5",
                                 f"value_{percent_moe.pk}_FY2026-Q1": "99.5"})
    assert response.status_code == 302
    assert dict(Measurement.objects.values_list("moe_id", "value")) == {count.pk: Decimal("1234.5"),
                                                                        percent_moe.pk: Decimal("99.5")}


def test_the_grid_cells_are_text_inputs_with_the_decimal_keyboard(client, analyst_a, proposed_program, percent_moe):
    client.force_login(analyst_a)
    html = client.get(reverse("programs:measurement-grid", args=[proposed_program.pk]), {"fy": "2026"}).content.decode()
    start = html.rindex("<input", 0, html.index(f'name="value_{percent_moe.pk}_FY2026-Q1"'))
    cell = html[start:html.index(">", start)]
    assert 'type="text"' in cell and 'inputmode="decimal"' in cell


def _moe_post(**overrides):
    return {"name": "Share of ports", "kind": "outcome", "unit": "percent", "direction": "increase",
            "frequency": "quarterly", "baseline_value": "20", "baseline_date": "2024-09-30", "weight": "1",
            "means_of_verification": "", "categories": "", **overrides}


def test_the_moe_form_names_the_field_and_the_period(client, analyst_a, proposed_program):
    client.force_login(analyst_a)
    url = reverse("programs:moe-create", args=[proposed_program.pk])
    response = client.post(url, _moe_post(baseline_value="250", **{"target_FY2026-Q1": "60"}))
    assert response.status_code == 400
    assert response.context["form"].errors["baseline_value"] == [PERCENT_TOO_HIGH]
    response = client.post(url, _moe_post(**{"target_FY2026-Q1": "250"}))
    assert response.status_code == 400
    assert f"Targets: FY2026-Q1: {PERCENT_TOO_HIGH}" in response.context["form"].non_field_errors()
    response = client.post(url, _moe_post(weight="1,5"))
    assert response.status_code == 400 and "is ambiguous" in response.context["form"].errors["weight"][0]
    assert not MeasureOfEffectiveness.objects.exists()
    response = client.post(url, _moe_post(unit="officers", baseline_value="1,250", **{"target_FY2026-Q1": "2,500.5"}))
    assert response.status_code == 302
    moe = MeasureOfEffectiveness.objects.get()
    assert (moe.baseline_value, moe.targets.get().value) == (Decimal("1250"), Decimal("2500.5"))


def test_the_funding_fields_take_us_amounts(client, analyst_a):
    from programs.forms.programs import FundingRowForm

    form = FundingRowForm(data={"fiscal_year": "2027", "planned": "$1,250,000.50", "obligated": "1,000", "disbursed": "1.000,5"})
    assert not form.is_valid()
    assert list(form.errors) == ["disbursed"] and "is ambiguous" in form.errors["disbursed"][0]
    assert form.cleaned_data["planned"] == Decimal("1250000.50") and form.cleaned_data["obligated"] == 1000


# --- a change of the MOE's unit or flags rechecks its stored values -------------------
# (the API: tests/api/test_measures_endpoints.py; the importer: tests/importing/test_import_service.py;
# the admin cannot change an MOE: tests/security/test_admin_write_path.py)

def _officers_with_values(proposed_program):
    """An MOE counted in officers, with values and targets a percent MOE could not hold."""
    moe = factories.MoeFactory(program=proposed_program, unit="officers", baseline_value=Decimal("20"))
    for period, value in (("FY2026-Q1", "40"), ("FY2026-Q2", "250"), ("FY2026-Q3", "120")):
        factories.MeasurementFactory(moe=moe, period=period, value=Decimal(value))
    factories.TargetFactory(moe=moe, period="FY2026-Q4", value=Decimal("300"))
    factories.TargetFactory(moe=moe, period="FY2026-Q1", value=Decimal("50"))
    return moe


UNIT_REFUSED = (
    "With the unit 'percent', 3 stored values would be refused: values of FY2026-Q2, FY2026-Q3; targets of "
    f"FY2026-Q4 (FY2026-Q2: {PERCENT_TOO_HIGH}) Correct them first, or keep the unit 'officers'."
)


def test_a_unit_change_that_stored_values_break_is_refused_naming_the_unit_and_periods(analyst_a, proposed_program):
    moe = _officers_with_values(proposed_program)
    with pytest.raises(ValidationError) as error:
        moe_update(user=analyst_a, moe=moe, data={"unit": "percent"}, version=moe.version)
    assert error.value.message_dict == {"unit": [UNIT_REFUSED]}
    moe.refresh_from_db()
    assert moe.unit == "officers"
    # Replacing the targets: the kept ones still count (restated with the same value),
    # a corrected one is checked as it is saved, a dropped one no longer matters.
    with pytest.raises(ValidationError) as error:
        moe_update(user=analyst_a, moe=moe, data={"unit": "percent"}, version=moe.version,
                   targets=[{"period": "FY2026-Q4", "value": Decimal("300")}])
    assert "3 stored values" in error.value.message_dict["unit"][0]
    Measurement.objects.filter(moe=moe, value__gt=100).update(value=Decimal("90"))
    with pytest.raises(ValidationError) as error:
        moe_update(user=analyst_a, moe=moe, data={"unit": "percent"}, version=moe.version)
    assert "1 stored value would be refused: targets of FY2026-Q4" in error.value.message_dict["unit"][0]
    moe_update(user=analyst_a, moe=moe, data={"unit": "percent"}, version=moe.version,
               targets=[{"period": "FY2026-Q4", "value": Decimal("95")}])
    moe.refresh_from_db()
    assert moe.unit == "percent" and dict(moe.targets.values_list("period", "value")) == {"FY2026-Q4": Decimal("95")}


def test_turning_off_negative_values_under_negative_stored_values_is_refused(analyst_a, proposed_program):
    moe = factories.MoeFactory(program=proposed_program, unit="percent change", allows_negative=True)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("-15"))
    with pytest.raises(ValidationError) as error:
        moe_update(user=analyst_a, moe=moe, data={"allows_negative": False}, version=moe.version)
    assert error.value.message_dict == {"allows_negative": [
        "With negative values not allowed, 1 stored value would be refused: values of FY2026-Q1 (FY2026-Q1: Enter "
        "zero or more: -15 is negative, and this measure (percent change) does not allow negative values.) Correct "
        "them first, or keep negative values allowed."]}
    # A percent MOE that allows negatives has no upper bound: turning it off rechecks 100 too.
    moe = factories.MoeFactory(program=proposed_program, unit="percent", allows_negative=True)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("140"))
    with pytest.raises(ValidationError) as error:
        moe_update(user=analyst_a, moe=moe, data={"allows_negative": False}, version=moe.version)
    assert "FY2026-Q1: Enter a percentage from 0 to 100: 140 is more than 100." in error.value.message_dict["allows_negative"][0]
    # Loosening the rule is never refused.
    moe_update(user=analyst_a, moe=moe, data={"unit": "percentage points"}, version=moe.version)


def test_the_moe_form_names_the_unit_and_the_periods(client, analyst_a, proposed_program):
    moe = _officers_with_values(proposed_program)
    client.force_login(analyst_a)
    url = reverse("programs:moe-edit", args=[moe.pk])
    post = _moe_post(name=moe.name, unit="percent", version=str(moe.version),
                     **{f"target_{t.period}": str(t.value) for t in moe.targets.all()})
    response = client.post(url, post)
    assert response.status_code == 400
    assert response.context["form"].errors["unit"] == [UNIT_REFUSED]
    moe.refresh_from_db()
    assert moe.unit == "officers"


def test_data_check_reports_stored_values_outside_their_moes_range_by_moe_and_period(proposed_program, capsys):
    from django.core.management import CommandError, call_command

    moe = _officers_with_values(proposed_program)
    MeasureOfEffectiveness.objects.filter(pk=moe.pk).update(unit=" Percent ")  # changed before the rule
    negative = factories.MoeFactory(program=proposed_program, unit="officers", baseline_value=Decimal("-2"))
    factories.MeasurementFactory(moe=negative, period="FY2026-Q1", value=Decimal("-1"))
    factories.MeasurementFactory(moe=negative, period="FY2026-Q2", value=Decimal("0"))
    with pytest.raises(CommandError, match="5 stored row"):
        call_command("data_check", rule=["moe-value"])
    code = proposed_program.code
    assert capsys.readouterr().out.splitlines() == [
        f"[moe-value] baseline {code} / {negative.name} baseline: Enter zero or more: -2 is negative, and this "
        "measure (officers) does not allow negative values.",
        f"[moe-value] target {code} / {moe.name} FY2026-Q4: Enter a percentage from 0 to 100: 300 is more than 100.",
        f"[moe-value] measurement {code} / {moe.name} FY2026-Q2: {PERCENT_TOO_HIGH}",
        f"[moe-value] measurement {code} / {moe.name} FY2026-Q3: Enter a percentage from 0 to 100: 120 is more than 100.",
        f"[moe-value] measurement {code} / {negative.name} FY2026-Q1: Enter zero or more: -1 is negative, and this "
        "measure (officers) does not allow negative values.",
    ]
    assert Measurement.objects.filter(moe=moe, value=Decimal("250")).exists()  # reported, not changed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(
    st.sampled_from(["percent", " % ", "Percentage", "per cent", "\u00a0percent\u2003", "percent change", "officers",
                     "PERCENT", "p\u00e9rcent"]),
    st.booleans(),
    st.decimals(min_value=-500, max_value=500, places=4, allow_nan=False, allow_infinity=False),
), min_size=1, max_size=12))
def test_the_sql_face_of_the_rule_finds_exactly_what_the_rule_refuses(proposed_program, rows):
    """``moe_value_broken_q`` (data_check's SQL) equals ``moe_value_problem`` on generated rows."""
    from programs.models import moe_value_broken_q

    Measurement.objects.all().delete()
    MeasureOfEffectiveness.objects.all().delete()
    expected = set()
    for index, (unit, allows_negative, value) in enumerate(rows):
        moe = factories.MoeFactory(program=proposed_program, unit=unit, allows_negative=allows_negative, baseline_value=value)
        measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=value)
        if moe_value_problem(value, unit=unit, allows_negative=allows_negative):
            expected.add(measurement.pk)
    assert set(Measurement.objects.filter(moe_value_broken_q()).values_list("pk", flat=True)) == expected
    baselines = MeasureOfEffectiveness.objects.filter(moe_value_broken_q(value="baseline_value", moe=""))
    assert set(baselines.values_list("measurements__pk", flat=True)) == expected

"""Every form in USWDS dress from one renderer (infrastructure/form_rendering.py), and
the error summary of a refused form (infrastructure/templatetags/portal_forms.py)."""
import re

import pytest
from django import forms
from django.template import Context, Template

from infrastructure.form_rendering import InlineHiddenInput, InlineSelect, InlineTextInput
from infrastructure.numbers import USDecimalField
from infrastructure.templatetags.portal_forms import error_summary_entries


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=300, help_text="As the partner knows it.")
    scope = forms.ChoiceField(choices=[("read", "Read-only"), ("write", "Read and write")], widget=forms.RadioSelect)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    notes = forms.CharField(widget=forms.Textarea, required=False)
    surge = forms.BooleanField(required=False)


class FundingRow(forms.Form):
    fiscal_year = forms.IntegerField(min_value=1990, max_value=2100)
    planned = forms.DecimalField(min_value=0)


FundingRows = forms.formset_factory(FundingRow, extra=0)


def _render(template: str, **context) -> str:
    return Template(template).render(Context(context))


def test_widgets_get_their_uswds_class_and_the_limit_is_a_hint_not_a_cut():
    # Given an unbound form, rendered by the portal's partial
    html = _render('{% include "partials/form_fields.html" %}', form=ProposalForm())
    # Then each widget has its USWDS class
    assert 'class="usa-input"' in html and 'class="usa-select"' in html and 'class="usa-textarea"' in html
    assert 'class="usa-checkbox__input"' in html and 'class="usa-radio__input"' in html
    assert '<div class="usa-radio"><input type="radio"' in html and 'class="usa-radio__label" for="id_scope_0"' in html
    # And the title states its limit, read with the field, and has no maxlength to cut pasted text
    assert '<span class="usa-hint" id="id_title_limit">Up to 300 characters.</span>' in html
    assert 'aria-describedby="id_title_limit id_title_helptext"' in html
    assert "maxlength" not in html


def test_a_refused_field_is_marked_and_described_by_its_error():
    form = ProposalForm(data={"title": "x" * 301, "scope": "read", "kind": "a"})
    assert not form.is_valid()
    html = str(form["title"])
    assert "usa-input usa-input--error" in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="id_title_limit id_title_helptext id_title_error"' in html
    assert "maxlength" not in html and 'value="' + "x" * 301 + '"' in html  # the input is kept whole


def test_the_error_summary_lists_every_error_linking_to_its_field():
    # Given a refused form and a funding formset with a negative amount in FY2027
    form = ProposalForm(data={"scope": "read", "kind": "zzz"})
    rows = FundingRows(data={"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
                             "form-0-fiscal_year": "2027", "form-0-planned": "-5",
                             "form-1-fiscal_year": "3000", "form-1-planned": "1"}, prefix="form")
    assert not form.is_valid() and not rows.is_valid()
    # Then each error is an entry, the row named by its fiscal year when it has a valid one
    entries = error_summary_entries(form, rows, "")
    assert [(e["label"], e["anchor"]) for e in entries] == [
        ("Title", "id_title"),
        ("Kind", "id_kind"),
        ("Planned (FY2027)", "id_form-0-planned"),
        ("Fiscal year", "id_form-1-fiscal_year"),
    ]
    assert entries[2]["message"] == "Ensure this value is greater than or equal to 0."
    # And the summary is an alert that links to each field, focusable for the page's script
    html = _render("{% load portal_forms %}{% error_summary form rows %}", form=form, rows=rows)
    assert 'class="usa-alert usa-alert--error error-summary" id="error-summary" role="alert" tabindex="-1"' in html
    assert "4 problems to correct" in html
    assert '<a href="#id_form-0-planned" data-field="id_form-0-planned">Planned (FY2027): Ensure this value' in html


def test_a_valid_or_unbound_form_has_no_summary():
    assert _render("{% load portal_forms %}{% error_summary form %}", form=ProposalForm()).strip() == ""


class GridCells(forms.Form):
    """Inputs rendered both ways: through the templates and written in Python."""

    value = USDecimalField(max_digits=18, decimal_places=4, min_value=-10, max_value=10, required=False)
    version = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)
    fast_value = USDecimalField(max_digits=18, decimal_places=4, min_value=-10, max_value=10, required=False,
                                widget=InlineTextInput)
    fast_version = forms.CharField(max_length=40, required=False, widget=InlineHiddenInput)


def test_inputs_written_in_python_are_the_bytes_the_templates_write():
    # Given grids unbound (with and without initial values), refused and with odd values
    forms_ = [
        GridCells(),
        GridCells(initial={"value": "1.5", "version": 3, "fast_value": "1.5", "fast_version": 3}),
        GridCells(data={"value": "99", "version": '"<x>" & y', "fast_value": "99", "fast_version": '"<x>" & y'}),
        GridCells(data={"value": "", "version": "", "fast_value": "", "fast_version": ""}),
    ]
    for form in forms_:
        form.is_valid()
        for slow, fast in (("value", "fast_value"), ("version", "fast_version")):
            attrs = {"data-cell": "1 < 2", "disabled": True, "readonly": False}
            # Then the Python-written input is the template's, with its USWDS class and error description
            expected = str(form[slow].as_widget(attrs=attrs)).replace(f"id_{slow}", "ID").replace(f'"{slow}"', '"NAME"')
            written = str(form[fast].as_widget(attrs=attrs)).replace(f"id_{fast}", "ID").replace(f'"{fast}"', '"NAME"')
            assert written == expected
    assert 'class="usa-input usa-input--error"' in str(forms_[2]["fast_value"])


KINDS = [("", "Any"), ("Group & co", [("a", "A & B"), ("b", "<B>")]), ("c", 'C "quoted"'), (3, "Three")]


class Drops(forms.Form):
    kind = forms.ChoiceField(choices=KINDS, required=False)
    fast_kind = forms.ChoiceField(choices=KINDS, required=False, widget=InlineSelect)


def test_a_drop_down_written_in_python_is_the_bytes_the_templates_write():
    for form in (Drops(), Drops(initial={"kind": "b", "fast_kind": "b"}), Drops(data={"kind": "x", "fast_kind": "x"}),
                 Drops(data={"kind": "3", "fast_kind": "3"})):
        form.is_valid()
        expected = str(form["kind"]).replace("id_kind", "ID").replace('"kind"', '"NAME"')
        written = str(form["fast_kind"]).replace("id_fast_kind", "ID").replace('"fast_kind"', '"NAME"')
        assert written == expected


def test_the_summary_says_nothing_was_saved_only_where_a_save_was_attempted_and_refused():
    """A form that saves, posted with errors (three: title, scope, kind): "Nothing was saved". A form that saves
    nothing (sign-in, filters: no ``saves=True``), or any form sent by GET: only the problems."""
    from django.test import RequestFactory

    form = ProposalForm(data={"title": ""})
    post, get = RequestFactory().post("/"), RequestFactory().get("/", {"title": ""})
    heading = lambda tag, request: re.search(r'id="error-summary-heading">([^<]*)<', _render(  # noqa: E731
        "{% load portal_forms %}" + tag, form=form, request=request)).group(1)
    assert heading("{% error_summary form saves=True %}", post) == "Nothing was saved: 3 problems to correct"
    assert heading("{% error_summary form %}", post) == "3 problems to correct"
    assert heading("{% error_summary form saves=True %}", get) == "3 problems to correct"


@pytest.mark.django_db
def test_pages_that_save_nothing_never_say_nothing_was_saved(client, analyst_a):
    """Sign-in with a wrong password and the target-vs-actual report's options (a GET
    form) list their problems without claiming a refused save; a saving form still says it."""
    from django.urls import reverse

    signed_in = client.post(reverse("login"), {"username": analyst_a.username, "password": "wrong"}).content.decode()
    assert "problem to correct" in signed_in and "Nothing was saved" not in signed_in
    client.force_login(analyst_a)
    report = client.get(reverse("evaluations:target-vs-actual"), {"start": "not-a-period"}).content.decode()
    assert "problem to correct" in report and "Nothing was saved" not in report

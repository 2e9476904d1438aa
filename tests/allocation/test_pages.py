"""The planner's pages per role: build, edit, solve, result, compare, XLSX export, bad
input by field and line, flat query counts."""
from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allocation import services
from allocation.models import Envelope, Scenario, ScenarioStatus
from tests.allocation import factories as alf

pytestmark = pytest.mark.django_db
M = alf.M
FORM = {
    "name": "Baseline", "fiscal_year": "2027", "ceiling_multiple": "1.5",
    "envelopes": "INCLE: 6\nFMF: 4", "minimums": "tier 1: 0.5", "ceilings": "COL: 10",
    "restrictions": "",
}


@pytest.fixture
def world():
    return alf.kenya_and_colombia()


def _countries(n: int, start: int = 0):
    """``n`` scored countries with a program each (ISO3 codes from the reference data)."""
    from programs.models import Country

    countries = list(Country.objects.exclude(iso3__in=["KEN", "COL"]).order_by("iso3")[start:start + n])
    for country in countries:
        alf.score(country, 60)
        alf.program([country], "INCLE", planned={2027: 0.5}, obligated={2026: 1})
    return countries


def test_a_manager_builds_solves_and_exports_a_scenario(client, manager, world):
    client.force_login(manager)
    # Given the form
    assert client.get(reverse("allocation:scenario-create")).status_code == 200
    # When the manager saves it
    response = client.post(reverse("allocation:scenario-create"), FORM)
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("allocation:scenario-detail", args=[scenario.pk])
    assert {e.account: e.amount for e in scenario.envelopes.all()} == {"INCLE": 6 * M, "FMF": 4 * M}
    # And solves it
    response = client.post(reverse("allocation:scenario-solve", args=[scenario.pk]), {"version": scenario.version})
    assert response.status_code == 302
    page = client.get(reverse("allocation:scenario-detail", args=[scenario.pk])).content.decode()
    # Then the page shows the allocation, the change against the plan and the envelopes' duals
    assert 'id="allocation-lines"' in page and "Colombia" in page and "commitments" in page
    assert "0.300" in page  # one more $M in either envelope: Colombia 0.5 x 0.6
    assert "+4.00" in page  # Colombia: 6 against its current plan of 2 (half the regional INCLE program)
    # And the workbook has the three sheets
    xlsx = client.get(reverse("allocation:scenario-detail", args=[scenario.pk]), {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Allocation", "Countries", "Envelopes"]
    assert book["Envelopes"]["A2"].value == "FMF" and book["Envelopes"]["D2"].value == pytest.approx(0.3)


def test_the_form_names_the_field_and_line_of_bad_input_and_saves_nothing(client, manager):
    client.force_login(manager)
    bad = {**FORM, "envelopes": "INCLE: 6\nFMF six", "ceilings": "XXX: 3", "minimums": "KEN: lots"}
    response = client.post(reverse("allocation:scenario-create"), bad)
    page = response.content.decode()
    assert response.status_code == 400  # as every form page answers a refused post
    assert ("line 2: &#x27;FMF six&#x27; is not &#x27;account: amount in $M&#x27;; separate the two with a colon, "
            "e.g. &#x27;INCLE: 1,200&#x27;.") in page
    assert "line 1: the amount in $M: &#x27;lots&#x27; is not a number." in page
    assert not Scenario.objects.exists()
    # The service's checks land on their field too
    response = client.post(reverse("allocation:scenario-create"), {**FORM, "ceilings": "XXX: 3"})
    assert response.status_code == 400
    assert "&#x27;XXX&#x27; is not a country&#x27;s ISO3 code." in response.content.decode()
    assert not Scenario.objects.exists() and not Envelope.objects.exists()


def test_amounts_are_us_numbers_after_a_colon(client, manager):
    """The separator is a colon, so "1,200" is one amount (a comma separated the parts,
    and "INCLE, 1,200" was account "INCLE, 1" with $200 M); the amount goes through the
    portal's one parser of typed numbers, its errors on the field with the line."""
    client.force_login(manager)
    form = {**FORM, "envelopes": "INCLE: 1,200\n10 U.S.C. 333: $2,500.5", "minimums": "KEN: 0.5\ntier 1: 1,000",
            "ceilings": "COL: 1,500", "restrictions": "KEN: 10 U.S.C. 333"}
    assert client.post(reverse("allocation:scenario-create"), form).status_code == 302
    scenario = Scenario.objects.get()
    assert {e.account: e.amount for e in scenario.envelopes.all()} == {"INCLE": 1200 * M, "10 U.S.C. 333": Decimal("2500.5") * M}
    assert sorted(m.amount for m in scenario.minimums.all()) == [Decimal("0.5") * M, 1000 * M]
    assert [(r.country.iso3, r.account) for r in scenario.restrictions.all()] == [("KEN", "10 U.S.C. 333")]
    page = client.get(reverse("allocation:scenario-edit", args=[scenario.pk])).content.decode()
    assert "INCLE: 1,200" in page and "10 U.S.C. 333: 2,500.5" in page  # shown as typed, read back the same
    bad = {**FORM, "envelopes": "INCLE, 1,200\nFMF: 1.200,5\nPKO: \u0661\u0662", "ceilings": "COL: 12,5"}
    response = client.post(reverse("allocation:scenario-create"), bad)
    errors = response.context["form"].errors
    assert errors["envelopes"] == [
        "line 1: 'INCLE, 1,200' is not 'account: amount in $M'; separate the two with a colon, e.g. 'INCLE: 1,200'.",
    ]
    response = client.post(reverse("allocation:scenario-create"), {**bad, "envelopes": "FMF: 1.200,5\nPKO: \u0661\u0662"})
    errors = response.context["form"].errors
    assert errors["envelopes"] == [
        "line 1: the amount in $M: '1.200,5' is ambiguous: it looks like it uses a comma as the decimal separator "
        "and dots between digit groups; if you mean 1200.5, write it as 1,200.5 or 1200.5."]
    assert errors["ceilings"][0].startswith("line 1: the amount in $M: '12,5' is ambiguous")
    response = client.post(reverse("allocation:scenario-create"), {**FORM, "envelopes": "PKO: \u0661\u0662"})
    assert response.context["form"].errors["envelopes"] == [
        "line 1: the amount in $M: '\u0661\u0662' has the digit U+0661 (arabic-indic digit one) at position 1; "
        "type the number with the digits 0-9."]
    assert Scenario.objects.count() == 1


def test_an_infeasible_scenario_is_explained_on_its_page(client, manager, world):
    client.force_login(manager)
    scenario = alf.scenario(manager, envelopes={"INCLE": 1.5, "FMF": 4})
    client.post(reverse("allocation:scenario-solve", args=[scenario.pk]), {"version": scenario.version})
    page = client.get(reverse("allocation:scenario-detail", args=[scenario.pk])).content.decode()
    assert "Commitments in INCLE exceed its envelope by $2.5 M: Colombia $2.0 M, Kenya $2.0 M." in page
    assert "Infeasible" in page


def test_editing_replaces_the_inputs_and_a_stale_form_is_refused(client, manager, world):
    client.force_login(manager)
    scenario = alf.scenario(manager, envelopes={"INCLE": 6, "FMF": 4})
    page = client.get(reverse("allocation:scenario-edit", args=[scenario.pk])).content.decode()
    assert "INCLE: 6" in page and "FMF: 4" in page
    edited = {**FORM, "name": "Tighter", "envelopes": "INCLE: 5", "version": scenario.version}
    assert client.post(reverse("allocation:scenario-edit", args=[scenario.pk]), edited).status_code == 302
    scenario.refresh_from_db()
    assert scenario.name == "Tighter" and [e.account for e in scenario.envelopes.all()] == ["INCLE"]
    response = client.post(reverse("allocation:scenario-edit", args=[scenario.pk]), {**edited, "name": "Old"})
    assert response.status_code == 409 and 'id="stale-warning"' in response.content.decode()
    without = client.post(reverse("allocation:scenario-edit", args=[scenario.pk]),
                          {k: v for k, v in edited.items() if k != "version"} | {"name": "No version"})
    assert without.status_code == 409 and 'id="stale-warning"' in without.content.decode() and "already exists (version 2" in without.content.decode()
    refused = client.post(reverse("allocation:scenario-edit", args=[scenario.pk]),
                          {**edited, "version": scenario.version, "envelopes": "INCLE: 1 234"})
    assert refused.status_code == 400
    assert "&#x27;1 234&#x27; uses spaces between digit groups; write it as 1,234 or 1234" in refused.content.decode()
    scenario.refresh_from_db()
    assert scenario.name == "Tighter"


def test_analysts_read_but_may_not_build_or_solve(client, analyst_a, manager, world):
    scenario = alf.scenario(manager, envelopes={"INCLE": 6, "FMF": 4})
    client.force_login(analyst_a)
    listing = client.get(reverse("allocation:scenario-list")).content.decode()
    assert "Baseline" in listing and "new-scenario" not in listing
    assert client.get(reverse("allocation:scenario-detail", args=[scenario.pk])).status_code == 200
    assert client.get(reverse("allocation:scenario-create")).status_code == 403
    assert client.post(reverse("allocation:scenario-create"), FORM).status_code == 403
    assert client.post(reverse("allocation:scenario-solve", args=[scenario.pk])).status_code == 403
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.DRAFT and Scenario.objects.count() == 1
    # And the navigation links the planner for managers only
    assert 'href="/allocation/"' not in client.get(reverse("home")).content.decode()
    client.force_login(manager)
    assert 'href="/allocation/"' in client.get(reverse("home")).content.decode()


def test_the_comparison_shows_both_scenarios_and_the_current_plan(client, manager, world):
    first = alf.scenario(manager, name="Lean", envelopes={"INCLE": 6, "FMF": 4})
    second = alf.scenario(manager, name="Generous", envelopes={"INCLE": 12, "FMF": 8})
    for scenario in (first, second):
        services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    client.force_login(manager)
    page = client.get(reverse("allocation:scenario-compare"), {"first": first.pk, "second": second.pk}).content.decode()
    assert "Lean" in page and "Generous" in page and 'id="comparison"' in page
    # Kenya: plan 4 (2 INCLE + 2 FMF); lean 4; generous: its ceiling of 6
    assert "<td>Kenya</td>\n      <td class=\"num\">4.00</td>" in page
    assert "6.00" in page
    # And each account's envelope and allocation beside its current plan (INCLE: 2 + 2)
    assert ('<tr><td>INCLE</td><td class="num">4.00</td><td class="num">6.00</td><td class="num">6.00</td>'
            '<td class="num">12.00</td>') in page
    # A scenario that does not exist is the form's error, answered 400 as every refused form
    refused = client.get(reverse("allocation:scenario-compare"), {"first": first.pk, "second": 999999})
    assert refused.status_code == 400 and 'id="comparison"' not in refused.content.decode()
    assert "Select a valid choice" in refused.content.decode()


@pytest.mark.parametrize("page", ["list", "detail", "compare", "edit"])
def test_pages_issue_the_same_number_of_queries_at_two_sizes(client, manager, world, page, django_assert_num_queries):
    client.force_login(manager)
    _countries(3)
    first = alf.scenario(manager, name="A", envelopes={"INCLE": 20, "FMF": 4},
                         minimums=[{"country": "KEN", "amount": M}], ceilings=[{"country": "COL", "amount": 9 * M}])
    second = alf.scenario(manager, name="B", envelopes={"INCLE": 30, "FMF": 4})
    urls = {
        "list": (reverse("allocation:scenario-list"), {}),
        "detail": (reverse("allocation:scenario-detail", args=[first.pk]), {}),
        "compare": (reverse("allocation:scenario-compare"), {"first": first.pk, "second": second.pk}),
        "edit": (reverse("allocation:scenario-edit", args=[first.pk]), {}),
    }
    url, params = urls[page]

    def solve_both():
        for scenario in (first, second):
            services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)

    solve_both()
    client.get(url, params)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, params).status_code == 200
    # When 12 more countries have programs and scores, more scenarios and inputs exist
    _countries(12, start=3)
    alf.scenario(manager, name="C", envelopes={"NADR": 1})
    services.scenario_update(
        user=manager, scenario=first, version=type(first).objects.get(pk=first.pk).version, fiscal_year=2027, name="A",
        envelopes=[{"account": "INCLE", "amount": 20 * M}, {"account": "FMF", "amount": 4 * M},
                   {"account": "PKO", "amount": M}],
        minimums=[{"country": "KEN", "amount": M}, {"tier": 1, "amount": M}],
        ceilings=[{"country": "COL", "amount": 9 * M}, {"country": "KEN", "amount": 9 * M}],
        restrictions=[{"country": "KEN", "account": "PKO"}],
    )
    solve_both()
    # Then the page issues the same number of queries
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_export_cells_are_formula_injection_safe(client, manager, world):
    scenario = alf.scenario(manager, envelopes={"=HYPERLINK(\"http://x\")": 3, "INCLE": 6, "FMF": 4})
    services.scenario_solve(user=manager, scenario=scenario, version=type(scenario).objects.get(pk=scenario.pk).version)
    client.force_login(manager)
    xlsx = client.get(reverse("allocation:scenario-detail", args=[scenario.pk]), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Envelopes"]
    assert sheet["A2"].value == "'=HYPERLINK(\"http://x\")"

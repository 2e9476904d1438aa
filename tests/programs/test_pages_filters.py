"""ProgramFilter: each filter narrows the selector's queryset as the list page and API expect."""
import datetime as dt

import pytest
from django.http import QueryDict
from urllib.parse import urlencode
from django.utils import timezone

from programs.filters import ProgramFilter, filter_matching
from programs.models import Goal, Sector
from tests import factories

pytestmark = pytest.mark.django_db


def _query(params) -> QueryDict:
    return QueryDict(urlencode(params, doseq=True))


def _codes(params):
    return sorted(ProgramFilter(_query(params)).qs.values_list("code", flat=True))


@pytest.fixture
def portfolio(agency_a, agency_b):
    """Given three programs that differ in every filtered attribute."""
    kenya = factories.ProgramFactory(
        code="P-KEN", title="Kenya coast guard", lead_agency=agency_a,
        countries=[factories.country("KEN")], goals=[Goal.objects.get(code="1.e")],
        start_fy=2025, end_fy=2026,
    )
    kenya.sectors.set([Sector.objects.get(dac_code="15210")])
    colombia = factories.ProgramFactory(
        code="P-COL", title="Colombia justice", description="judicial reform", lead_agency=agency_b,
        countries=[factories.country("COL")], goals=[Goal.objects.get(code="3")],
        start_fy=2027, end_fy=2029, is_surge=True, status="proposed",
    )
    colombia.supporting_agencies.set([agency_a])
    archived = factories.ProgramFactory(code="P-OLD", lead_agency=agency_b, countries=[factories.country("KEN")])
    archived.archived_at = timezone.now()
    archived.save()
    return kenya, colombia, archived


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, ["P-COL", "P-KEN"]),
        ({"country": "ken"}, ["P-KEN"]),
        ({"region": "AF"}, ["P-KEN"]),
        ({"region": "AFRICOM"}, ["P-KEN"]),
        ({"region": "WHA"}, ["P-COL"]),
        ({"region": "SOUTHCOM"}, ["P-COL"]),
        ({"agency": "DOS"}, ["P-COL", "P-KEN"]),
        ({"agency": "DOD"}, ["P-COL"]),
        ({"goal": "1"}, ["P-KEN"]),
        ({"goal": "1.e"}, ["P-KEN"]),
        ({"goal": "3"}, ["P-COL"]),
        ({"sector": "15210"}, ["P-KEN"]),
        ({"status": "proposed"}, ["P-COL"]),
        ({"status": ["proposed", "active"]}, ["P-COL", "P-KEN"]),
        ({"fiscal_year": "2026"}, ["P-KEN"]),
        ({"fiscal_year": "2028"}, ["P-COL"]),
        ({"surge": "true"}, ["P-COL"]),
        ({"surge": "false"}, ["P-KEN"]),
        ({"q": "judicial"}, ["P-COL"]),
        ({"q": "p-ken"}, ["P-KEN"]),
        ({"archived": "include"}, ["P-COL", "P-KEN", "P-OLD"]),
        ({"archived": "only"}, ["P-OLD"]),
    ],
)
def test_filter_narrows_programs(portfolio, params, expected):
    assert _codes(params) == expected


def test_country_filter_accepts_id(portfolio):
    assert _codes({"country": str(factories.country("COL").pk)}) == ["P-COL"]


def test_updated_since(portfolio):
    kenya, colombia, _ = portfolio
    type(kenya).objects.filter(pk=kenya.pk).update(updated_at=timezone.now() - dt.timedelta(days=10))
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert _codes({"updated_since": since}) == ["P-COL"]


def test_ordering_descending(portfolio):
    assert list(ProgramFilter(_query({"ordering": "-code"})).qs.values_list("code", flat=True)) == ["P-KEN", "P-COL"]


@pytest.mark.parametrize("params", [{"fiscal_year": "abc"}, {"fiscal_year": "1800"}, {"fiscal_year": "-3"},
                                    {"updated_since": "yesterday"}, {"q": "x" * 500}, {"status": "bogus"},
                                    {"country": "XXX"}, {"country": "999999"}, {"region": "NOPE"},
                                    {"agency": "NOPE"}, {"goal": "9.z"}, {"sector": "00000"}])
def test_bad_filter_values_are_form_errors(portfolio, params):
    filterset = ProgramFilter(_query(params))
    assert not filterset.is_valid()
    assert set(filterset.errors) == set(params)
    assert not filter_matching(filterset).exists()  # matches nothing, no 500 (django-filter's qs drops the field)


def test_unbound_filter_hides_archived(portfolio):
    assert sorted(ProgramFilter().qs.values_list("code", flat=True)) == ["P-COL", "P-KEN"]


def test_updated_since_with_an_offset_postgres_refuses_is_a_form_error_not_a_500(client, analyst_a):
    client.force_login(analyst_a)
    response = client.get("/programs/", {"updated_since": "2026-01-01T00:00:00-20:47"})
    assert response.status_code == 200


@pytest.mark.parametrize("url, params, field", [
    ("/programs/", {"status": "bogus"}, "status"),
    ("/programs/records/institutions/", {"level": "galactic"}, "level"),
    ("/assessments/", {"status": "bogus"}, "status"),
    ("/assessments/selectivity/", {"band": "bogus"}, "band"),
])
def test_a_page_filter_that_is_not_valid_matches_nothing(client, manager, portfolio, url, params, field):
    """As the approvals queue (programs.filters.filter_matching): the field's error, no rows,
    and the page's downloads are empty too; django-filter's qs dropped the field and
    listed every row."""
    factories.PartnerInstitutionFactory()
    client.force_login(manager)
    response = client.get(url, params)
    assert response.status_code == 200
    form = response.context["filter"].form
    assert form.errors[field], form.errors
    rows = response.context["page"].object_list if "page" in response.context else response.context["rows"]
    assert len(rows) == 0


@pytest.mark.parametrize("url, params, field", [
    ("/programs/", {"ordering": "bogus"}, "ordering"),
    ("/assessments/selectivity/", {"rank": "best"}, "rank"),
])
def test_a_sort_that_is_not_valid_keeps_every_row_in_the_default_order(client, manager, portfolio, url, params, field):
    """A field that only orders narrows nothing: its error, and the rows the page lists
    without it (programs.filters.filter_matching)."""
    client.force_login(manager)
    response = client.get(url, params)
    assert response.status_code == 200 and response.context["filter"].form.errors[field]

    def rows(resp):
        listed = resp.context["page"].object_list if "page" in resp.context else resp.context["rows"]
        return [getattr(row, "pk", None) or row["score"].pk for row in listed]

    assert rows(response) == rows(client.get(url))


UNKNOWN_CODES = [
    ("country", "ZZZ", "Country (country): No country has the ISO code 'ZZZ'; choose one from the list."),
    ("country", "999999", "Country (country): No country has the id '999999'; choose one from the list."),
    ("region", "bureau:XX", "Region (region): No region has the code 'bureau:XX'; use a State bureau (e.g. AF) "
                            "or a combatant command (e.g. AFRICOM)."),
    ("agency", "ZZZ", "Agency (agency): No agency has the code 'ZZZ'; choose one from the list."),
    ("goal", "9.z", "Goal (goal): No goal has the code '9.z'; use e.g. 1 or 1.a."),
    ("sector", "00000", "Sector (DAC) (sector): No sector has the DAC code '00000'; choose one from the list."),
]


@pytest.mark.parametrize("name, value, line", UNKNOWN_CODES, ids=[f"{n}={v}" for n, v, _ in UNKNOWN_CODES])
def test_an_unknown_code_is_its_fields_error_on_the_page(client, manager, portfolio, name, value, line):
    """Given a code that names no row (a new user's ``?country=ZZZ``), the program list
    shows the field's error in USWDS markup and no rows, instead of only "0 rows"."""
    client.force_login(manager)
    response = client.get("/programs/", {name: value})
    assert response.status_code == 200
    message = line.split("): ", 1)[1]
    assert response.context["filter"].errors == {name: [message]}
    assert len(response.context["page"].object_list) == 0
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html
    group = html[:html.index(message.replace("'", "&#x27;"))].rsplit('<div class="usa-form-group', 1)[1]
    assert group.startswith(" usa-form-group--error"), group[:200]


@pytest.mark.parametrize("url", ["/programs/export/csv/", "/programs/export/xlsx/", "/programs/export/moes/xlsx/",
                                 "/programs/export/measurements/csv/"])
@pytest.mark.parametrize("name, value, line", UNKNOWN_CODES[:3], ids=[f"{n}={v}" for n, v, _ in UNKNOWN_CODES[:3]])
def test_a_download_with_an_unknown_code_is_a_400_naming_the_field(client, manager, portfolio, url, name, value, line):
    client.force_login(manager)
    response = client.get(url, {name: value})
    assert response.status_code == 400 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == line + "\n"
    assert not response.has_header("Content-Disposition")


def test_a_program_export_with_a_filter_that_is_not_valid_is_a_400(client, manager, portfolio):
    client.force_login(manager)
    response = client.get("/programs/export/csv/", {"status": "bogus", "country": "ZZZ"})
    assert response.status_code == 400
    assert sorted(line.split(" (")[0] for line in response.content.decode().splitlines()) == ["Country", "Status"]
    assert len(client.get("/programs/export/csv/").content.decode("utf-8-sig").strip().splitlines()) > 1


def test_the_approvals_queue_shows_an_unknown_country_or_agency_as_its_fields_error(client, manager, portfolio):
    client.force_login(manager)
    for name, message in (("country", "No country has the ISO code 'ZZZ'; choose one from the list."),
                          ("agency", "No agency has the code 'ZZZ'; choose one from the list.")):
        response = client.get("/programs/approvals/", {name: "ZZZ"})
        assert response.status_code == 200 and response.context["filter"].errors == {name: [message]}
        assert message.replace("'", "&#x27;") in response.content.decode()
        export = client.get("/programs/approvals/export/csv/", {name: "ZZZ"})
        assert export.status_code == 400 and export.content.decode().endswith(f"({name}): {message}\n")


def test_a_records_page_and_download_refuse_an_unknown_country(client, manager, portfolio):
    factories.PartnerInstitutionFactory()
    client.force_login(manager)
    message = "No country has the ISO code 'ZZZ'; choose one from the list."
    page = client.get("/programs/records/institutions/", {"country": "ZZZ"})
    assert page.context["filter"].errors == {"country": [message]} and len(page.context["page"].object_list) == 0
    export = client.get("/programs/records/institutions/export/csv/", {"country": "ZZZ"})
    assert export.status_code == 400 and export.content.decode() == f"Country (country): {message}\n"

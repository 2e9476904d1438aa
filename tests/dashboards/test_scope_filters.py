"""A page's scope filter (``country``, ``region``, ``tier`` in the query string) that names
nothing is the filter's error on its field; the page renders (200) and matches nothing,
as the approvals queue does (ApprovalFilter.matching). It was a 404 (results framework,
goal coverage, countries, flags by an unknown country or region) or silently "any tier"."""
import pytest
from django.urls import reverse

from dashboards.selectors import flags
from dashboards.views.scope_params import ScopeQuery
from programs.models import Country
from tests.programs.test_page_numbers import _list_pages

pytestmark = pytest.mark.django_db

BAD = {"country": "ZZZ", "region": "bureau:XX", "tier": "9"}
MESSAGES = {
    "country": "No country has the ISO code 'ZZZ'; choose one from the list.",
    "region": "No region 'bureau:XX'; use e.g. bureau:AF or command:AFRICOM.",
    "tier": "No priority tier '9'; choose a tier from 1 to 4.",
}


def test_the_scope_query():
    kenya = Country.objects.get(iso3="KEN")
    valid = ScopeQuery({"country": "ken", "region": "bureau:AF", "tier": "2"})
    assert valid.is_valid() and (valid.value("country"), valid.value("region").code, valid.value("tier")) == (kenya, "AF", 2)
    assert valid.country_ids() == [kenya.id]
    assert ScopeQuery({}).country_ids() is None and ScopeQuery({"tier": ""}).is_valid()
    refused = ScopeQuery(BAD)
    assert refused.errors == {name: [message] for name, message in MESSAGES.items()}
    assert refused.country_ids() == [] and refused.value("region") is None


def test_digits_are_an_unknown_iso_code_not_an_id():
    """The scope takes ISO codes only: digits are not called an id (programs.filters.unknown_code,
    the one builder of the message, with by_id=False)."""
    kenya = Country.objects.get(iso3="KEN")
    assert ScopeQuery({"country": str(kenya.pk)}).errors == {
        "country": [f"No country has the ISO code '{kenya.pk}'; choose one from the list."]}


@pytest.mark.parametrize("name, url, field, figures", [
    ("results framework", "reports:results-framework", "country", lambda c: c["framework"].program_count),
    ("results framework", "reports:results-framework", "region", lambda c: c["framework"].program_count),
    ("countries", "dashboards:country-list", "region", lambda c: len(c["table"].rows)),
    ("countries", "dashboards:country-list", "tier", lambda c: len(c["table"].rows)),
    ("goal coverage", "dashboards:goal-coverage", "region", lambda c: len(c["matrix"])),
    ("goal coverage", "dashboards:goal-coverage", "tier", lambda c: len(c["matrix"])),
])
def test_a_filter_that_names_nothing_is_its_fields_error_and_matches_nothing(
        client, manager, program_a, name, url, field, figures):
    Country.objects.filter(iso3="KEN").update(priority_tier=1)
    client.force_login(manager)
    assert figures(client.get(reverse(url), {"all": "1"}).context) >= 1, name
    response = client.get(reverse(url), {field: BAD[field], "all": "1"})
    assert response.status_code == 200, name
    assert response.context["scope"].errors == {field: [MESSAGES[field]]}
    assert figures(response.context) == 0, name
    html = response.content.decode()
    assert 'usa-error-message' in html and MESSAGES[field].replace("'", "&#x27;") in html


def test_the_flags_say_the_filter_is_wrong_and_list_nothing(client, manager):
    client.force_login(manager)
    for field in ("country", "region"):
        response = client.get(reverse("dashboards:flag-list", kwargs={"kind": "gaps"}), {field: BAD[field]})
        assert response.status_code == 200 and response.context["table"].total == 0
        assert MESSAGES[field].replace("'", "&#x27;") in response.content.decode()


def test_no_page_answers_a_bad_filter_with_a_404_or_a_500(client, manager):
    """Every page without arguments in the URL conf, and every flag list: a bad filter
    never makes a page a 404 or a 500 (a page that is not the manager's, such as an
    analyst's whole work list, is a 404 with or without it)."""
    client.force_login(manager)
    urls = _list_pages() + [reverse("dashboards:flag-list", kwargs={"kind": kind}) for kind in flags.KINDS]
    for url in urls:
        if url.startswith(("/accounts/", "/health/", "/favicon")) or "logout" in url:
            continue
        status = client.get(url, BAD).status_code
        assert status in (200, 302, 400, 403, 405) or status == client.get(url).status_code == 404, (url, status)


@pytest.mark.parametrize("url, kwargs", [
    ("dashboards:country-list-export", {}),
    ("dashboards:goal-coverage-export", {}),
    ("dashboards:flag-list-export", {"kind": "gaps"}),
])
@pytest.mark.parametrize("field", ["country", "region", "tier"])
def test_a_table_download_with_a_filter_that_names_nothing_is_a_400_naming_the_field(client, manager, url, kwargs, field):
    """The page shows the field's error; its downloads answered an empty file, now a 400
    in plain text naming the field (programs.filters.filter_refusal)."""
    client.force_login(manager)
    response = client.get(reverse(url, kwargs={**kwargs, "table": "any"}), {field: BAD[field]})
    label = ScopeQuery().fields[field].label
    assert response.status_code == 400 and response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"{label} ({field}): {MESSAGES[field]}\n"

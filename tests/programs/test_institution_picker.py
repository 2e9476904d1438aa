"""The partner institution picker (the vetting form's institution): the form's pages hold
only the chosen institution (flat queries and size as institutions grow), the search
endpoint (results, limit, who may call it) and the field's errors for bad input, on the
page without a 500 and without saving anything."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.forms.records import VettingForm
from programs.models import Vetting
from programs.selectors.programs import PICKER_RESULTS
from tests import factories

pytestmark = pytest.mark.django_db

VETTING = {"status": "pending", "requested_on": "2026-05-01"}


def _pages(vetting) -> list[str]:
    return ["/programs/records/vetting/new/", f"/programs/records/vetting/{vetting.pk}/edit/"]


def _measure(client, vetting) -> list[tuple[int, int]]:
    figures = []
    for url in _pages(vetting):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        figures.append((len(queries), len(response.content)))
    return figures


def test_the_vetting_forms_stay_flat_as_institutions_grow(client, manager):
    # Given a manager, a vetting record and a few institutions (a warm-up request first)
    vetting = Vetting.objects.create(institution=factories.PartnerInstitutionFactory(), requested_on=dt.date(2026, 1, 1))
    factories.PartnerInstitutionFactory.create_batch(2)
    client.force_login(manager)
    _measure(client, vetting)
    few = _measure(client, vetting)
    # When institutions grow tenfold, in several countries
    factories.PartnerInstitutionFactory.create_batch(15)
    factories.PartnerInstitutionFactory.create_batch(15, country=factories.country("GHA"))
    many = _measure(client, vetting)
    # Then each page issues the same queries and its size does not move (no option per institution)
    for url, (queries_few, bytes_few), (queries_many, bytes_many) in zip(_pages(vetting), few, many):
        assert queries_many == queries_few, url
        assert abs(bytes_many - bytes_few) < 100, (url, bytes_few, bytes_many)


def test_the_edit_form_holds_the_chosen_institution_alone(client, manager):
    chosen = factories.PartnerInstitutionFactory(name="Coast Guard")
    other = factories.PartnerInstitutionFactory()
    vetting = Vetting.objects.create(institution=chosen, requested_on=dt.date(2026, 1, 1))
    client.force_login(manager)
    html = client.get(f"/programs/records/vetting/{vetting.pk}/edit/").content.decode()
    assert 'value="Coast Guard (KEN)"' in html and 'data-picker-label="Coast Guard (KEN)"' in html
    assert 'data-picker="/programs/records/institutions/pick/"' in html
    assert "Up to 256 characters" not in html  # the box's longest key is no limit to state
    assert other.name not in html and "<option value=\"" + str(other.pk) not in html


def test_a_vetting_record_is_kept_for_the_institution_typed_with_its_country(client, manager):
    # Given two institutions of the same name in two countries
    factories.PartnerInstitutionFactory(name="National Police")
    ghana = factories.PartnerInstitutionFactory(name="National Police", country=factories.country("GHA"))
    client.force_login(manager)
    # When a manager without JavaScript types the name and country code, in another case
    response = client.post("/programs/records/vetting/new/", {"institution": "national police (gha)", **VETTING})
    # Then the record is Ghana's unit's
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Vetting.objects.values_list("institution", flat=True)) == [ghana.pk]


def test_the_search_finds_institutions_by_name_or_country_and_hides_archived_ones(client, analyst_b,
                                                                                 django_assert_num_queries):
    # Given institutions in two countries, one archived
    ghana = factories.country("GHA")
    factories.PartnerInstitutionFactory(name="Border Police")
    factories.PartnerInstitutionFactory(name="Border Police", country=ghana)
    factories.PartnerInstitutionFactory(name="Coast Guard", country=ghana)
    factories.PartnerInstitutionFactory(name="Border Guard", country=ghana, archived_at=timezone.now())
    client.force_login(analyst_b)
    # When the picker asks for "BORDER", then for Ghana's code
    with django_assert_num_queries(3):  # the session, the user, the search
        by_name = client.get("/programs/records/institutions/pick/", {"q": "BORDER"}).json()["results"]
    by_country = client.get("/programs/records/institutions/pick/", {"q": "(gha"}).json()["results"]
    # Then name or country match in any case, by name and country, archived ones left out
    assert by_name == [{"value": "Border Police (GHA)", "label": "Border Police (GHA)"},
                       {"value": "Border Police (KEN)", "label": "Border Police (KEN)"}]
    assert [row["value"] for row in by_country] == ["Border Police (GHA)", "Coast Guard (GHA)"]


def test_the_search_answers_at_most_twenty_institutions_and_a_nul_is_no_error(client, analyst_a):
    factories.PartnerInstitutionFactory.create_batch(PICKER_RESULTS + 5)
    client.force_login(analyst_a)
    results = client.get("/programs/records/institutions/pick/", {"q": "police\x00"}).json()["results"]
    assert len(results) == PICKER_RESULTS
    assert [row["value"] for row in results] == sorted(row["value"] for row in results)


def test_the_search_is_for_signed_in_users_only():
    from django.test import Client

    institution = factories.PartnerInstitutionFactory()
    response = Client().get("/programs/records/institutions/pick/", {"q": institution.name})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert institution.name not in response.content.decode()


@pytest.mark.parametrize("typed, message", [
    ("Nowhere Police (KEN)", "No partner institution is “Nowhere Police (KEN)”"),
    ("National Police", "No partner institution is “National Police”"),  # which country's?
    ("999999", "No partner institution is “999999”"),
    ("x" * 500, "No partner institution is “" + "x" * 60 + "...”"),
    ("Police\x00 (KEN)", "No partner institution is “Police\\x00 (KEN)”"),  # shown, not echoed
])
def test_an_unknown_institution_is_a_field_error(typed, message, django_assert_max_num_queries):
    from django.core.exceptions import ValidationError

    factories.PartnerInstitutionFactory(name="National Police")
    form = VettingForm({"institution": typed, **VETTING})
    assert not form.is_valid()
    assert message in form.errors["institution"][0] and "\x00" not in form.errors["institution"][0]
    with django_assert_max_num_queries(1), pytest.raises(ValidationError):  # whatever is typed
        VettingForm().fields["institution"].clean(typed)


def test_an_archived_institution_is_a_field_error_on_the_page_and_nothing_is_saved(client, manager):
    archived = factories.PartnerInstitutionFactory(name="Old Brigade", archived_at=timezone.now())
    form = VettingForm({"institution": "Old Brigade (KEN)", **VETTING})
    assert not form.is_valid()
    assert form.errors["institution"] == ["Partner institution Old Brigade (KEN) is archived: choose one in use."]
    client.force_login(manager)
    response = client.post("/programs/records/vetting/new/", {"institution": str(archived.pk), **VETTING})
    assert response.status_code == 400
    assert "Institution: Partner institution Old Brigade (KEN) is archived" in response.content.decode()
    assert not Vetting.objects.exists()


def test_an_id_chooses_the_institution_and_a_form_never_reuses_another_forms_lookup():
    institution = factories.PartnerInstitutionFactory(name="Coast Guard")
    form = VettingForm({"institution": str(institution.pk), **VETTING})
    assert form.is_valid() and form.cleaned_data["institution"] == institution
    assert not VettingForm({"institution": "Marine Corps (KEN)", **VETTING}).is_valid()
    factories.PartnerInstitutionFactory(name="Marine Corps")
    assert VettingForm({"institution": "Marine Corps (KEN)", **VETTING}).is_valid()

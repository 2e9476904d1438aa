"""The program form offers and accepts only the objectives and partner institutions of
the chosen countries, and reloads them as the countries change (htmx)."""
import pytest
from django.urls import reverse

from programs.models import Objective, Program, Strategy
from programs.selectors.country_scope import institutions_of_countries, objectives_of_countries
from tests import factories
from tests.api.conftest import token_client  # noqa: F401  (fixture)
from tests.programs.test_pages_programs import _program_post

pytestmark = pytest.mark.django_db


def _objective(code: str, **strategy) -> Objective:
    s = Strategy.objects.create(title=f"Strategy {code}", start_fy=2025, end_fy=2029, **strategy)
    return Objective.objects.create(strategy=s, code=code, description=f"Objective {code}")


@pytest.fixture
def objectives():
    kenya = factories.country("KEN")
    return {
        "kenya": _objective("K1", scope="country", country=kenya),
        "mali": _objective("M1", scope="country", country=factories.country("MLI")),
        "bureau": _objective("AF1", scope="regional", region=kenya.state_bureau),
        "peru": _objective("P1", scope="country", country=factories.country("PER")),
    }


def test_objectives_of_kenya_include_its_regions_strategies(objectives):
    found = set(objectives_of_countries([factories.country("KEN").pk]))
    assert objectives["kenya"] in found and objectives["bureau"] in found and objectives["peru"] not in found


def test_institutions_follow_their_country():
    kenyan = factories.PartnerInstitutionFactory(country=factories.country("KEN"))
    malian = factories.PartnerInstitutionFactory(country=factories.country("MLI"))
    assert list(institutions_of_countries([factories.country("MLI").pk])) == [malian]
    assert kenyan not in institutions_of_countries([])


def test_an_objective_of_another_country_is_refused_by_name(client, analyst_a, objectives):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-create"), _program_post(objectives=[objectives["peru"].pk]))
    assert response.status_code == 400
    assert "An objective you chose does not belong to the chosen countries" in response.content.decode()
    assert not Program.objects.filter(code="DOS-2026-0100").exists()
    response = client.post(reverse("programs:program-create"), _program_post(objectives=[objectives["kenya"].pk]))
    assert response.status_code == 302
    assert list(Program.objects.get(code="DOS-2026-0100").objectives.all()) == [objectives["kenya"]]


@pytest.mark.parametrize("field", ["long_term_objective", "objectives", "partner_institutions"])
def test_a_malformed_id_is_not_a_valid_choice_rather_than_out_of_scope(client, analyst_a, objectives, field):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-create"), _program_post(**{field: ["abc"]}))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == ["'abc' is not a valid choice; choose from the list."]
    assert not Program.objects.filter(code="DOS-2026-0100").exists()


def test_the_lists_reload_for_the_chosen_countries(client, analyst_a, objectives):
    client.force_login(analyst_a)
    mali = factories.country("MLI")
    response = client.get(reverse("programs:program-country-options"),
                          {"countries": [mali.pk], "objectives": [objectives["mali"].pk, objectives["kenya"].pk]})
    page = response.content.decode()
    assert 'id="id_objectives"' in page and 'id="id_partner_institutions"' in page
    assert f'value="{objectives["mali"].pk}" selected' in page
    assert "Objective K1" not in page and "Objective P1" not in page
    form = client.get(reverse("programs:program-create")).content.decode()
    assert 'hx-get="/programs/form/country-options/"' in form and 'hx-select-oob="#id_objectives' in form


def test_an_edit_keeps_objectives_served_before(client, analyst_a, program_a, objectives):
    program_a.objectives.add(objectives["peru"])
    client.force_login(analyst_a)
    page = client.get(reverse("programs:program-edit", args=[program_a.pk])).content.decode()
    assert "Objective P1" in page and "Objective M1" not in page


# --- one rule on every write path (programs.services.programs.check_country_scope) -------


def test_the_service_refuses_an_objective_or_institution_of_another_country(analyst_a, objectives):
    from django.core.exceptions import ValidationError

    from programs.services.programs import program_create

    malian = factories.PartnerInstitutionFactory(country=factories.country("MLI"))
    base = {"code": "DOS-2026-0200", "title": "Border management", "lead_agency": factories.agency("DOS"),
            "purpose": "build_capacity", "start_fy": 2026, "end_fy": 2028, "countries": [factories.country("KEN")]}
    for field, value in (("objectives", [objectives["peru"]]), ("partner_institutions", [malian]),
                         ("long_term_objective", objectives["mali"])):
        with pytest.raises(ValidationError) as refused:
            program_create(user=analyst_a, data={**base, field: value})
        assert list(refused.value.message_dict) == [field]
        assert "does not belong to the chosen countries" in refused.value.message_dict[field][0]
    assert not Program.objects.filter(code="DOS-2026-0200").exists()
    program = program_create(user=analyst_a, data={**base, "objectives": [objectives["kenya"], objectives["bureau"]]})
    assert set(program.objectives.all()) == {objectives["kenya"], objectives["bureau"]}


def test_the_api_applies_the_rule_and_keeps_what_a_program_already_has(token_client, analyst_a, program_a, objectives):
    from tests.api.test_programs_endpoint import _create_payload

    api = token_client(analyst_a, write=True)
    # Given a program serving a Kenyan objective
    program_a.objectives.set([objectives["kenya"]])
    # When the API adds a Peruvian objective: 400 naming the field, nothing saved
    response = api.patch(f"/api/v1/programs/{program_a.pk}/", {
        "objectives": [objectives["kenya"].pk, objectives["peru"].pk], "version": 1,
        "rationale_category": "scope_change", "rationale": "Wider"}, format="json")
    assert response.status_code == 400, response.content
    assert "objectives" in response.json()["errors"]
    assert list(program_a.objectives.all()) == [objectives["kenya"]]
    # When the program moves to Mali keeping its Kenyan objective: accepted (never dropped unasked)
    response = api.patch(f"/api/v1/programs/{program_a.pk}/", {
        "countries": [factories.country("MLI").pk], "objectives": [objectives["kenya"].pk, objectives["mali"].pk],
        "version": 1, "rationale_category": "scope_change", "rationale": "Moved"}, format="json")
    assert response.status_code == 200, response.content
    # And a new program through the API is refused an objective outside its countries
    response = api.post("/api/v1/programs/", _create_payload(objectives=[objectives["peru"].pk]), format="json")
    assert response.status_code == 400 and "objectives" in response.json()["errors"]


def test_the_importer_applies_the_rule_and_keeps_a_programs_objectives_when_its_countries_change(analyst_a, objectives):
    from tests.importing.conftest import program_row, programs_csv
    from tests.importing.test_import_service import _import

    # Given an imported program in Kenya that serves a Kenyan objective (set on its form)
    _import(analyst_a, programs_csv(program_row(countries="KEN")))
    program = Program.objects.get(code="DOS-2027-0001")
    program.objectives.set([objectives["kenya"]])
    # When a file moves it to Mali (the file has no objectives column)
    job = _import(analyst_a, programs_csv(program_row(countries="MLI")))
    # Then the import passes the service's rule and the objective stays
    assert [r["outcome"] for r in job.report] == ["update"], job.report
    assert list(program.countries.values_list("iso3", flat=True)) == ["MLI"]
    assert list(program.objectives.all()) == [objectives["kenya"]]


def test_the_admin_cannot_change_a_programs_objectives_or_institutions(rf, administrator):
    """The admin shows programs, objectives, strategies and institutions read-only: it is
    no write path around the rule."""
    from django.contrib import admin

    from programs.models import PartnerInstitution

    request = rf.get("/admin/")
    request.user = administrator
    for model in (Program, Objective, Strategy, PartnerInstitution):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_change_permission(request) and not model_admin.has_add_permission(request)

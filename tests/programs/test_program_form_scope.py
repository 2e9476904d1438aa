"""The program form offers and accepts only the objectives and partner institutions of
the chosen countries, and reloads them as the countries change (htmx)."""
import pytest
from django.urls import reverse

from programs.models import Objective, Program, Strategy
from programs.selectors.country_scope import institutions_of_countries, objectives_of_countries
from tests import factories
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

"""Reference data: complete, real (ISO 3166 via pycountry) and idempotently loaded."""
import csv

import pycountry
import pytest

from programs.models import Agency, Country, Goal, Region, RegionalOrganization, Sector
from programs.services.reference_data import DATA_DIR, reference_data_load

pytestmark = pytest.mark.django_db


def test_every_iso_country_has_both_region_assignments():
    iso = {c.alpha_3 for c in pycountry.countries}
    stored = dict(Country.objects.values_list("iso3", "state_bureau__scheme"))
    assert iso <= set(stored)
    assert not Country.objects.filter(state_bureau__scheme="combatant_command").exists()
    assert not Country.objects.filter(combatant_command__scheme="state_bureau").exists()
    assert Country.objects.filter(state_bureau__isnull=False, combatant_command__isnull=False).count() == len(stored)


@pytest.mark.parametrize(
    "iso3, bureau, command",
    [("EGY", "NEA", "CENTCOM"), ("ISR", "NEA", "CENTCOM"), ("LBY", "NEA", "AFRICOM"), ("IND", "SCA", "INDOPACOM"),
     ("PAK", "SCA", "CENTCOM"), ("MEX", "WHA", "NORTHCOM"), ("COL", "WHA", "SOUTHCOM"), ("UKR", "EUR", "EUCOM"),
     ("KEN", "AF", "AFRICOM"), ("PHL", "EAP", "INDOPACOM"), ("XKX", "EUR", "EUCOM")],
)
def test_known_assignments(iso3, bureau, command):
    country = Country.objects.select_related("state_bureau", "combatant_command").get(iso3=iso3)
    assert (country.state_bureau.code, country.combatant_command.code) == (bureau, command)


def test_both_region_schemes_complete():
    assert set(Region.objects.filter(scheme="state_bureau").values_list("code", flat=True)) == {
        "AF", "EAP", "EUR", "NEA", "SCA", "WHA"}
    assert set(Region.objects.filter(scheme="combatant_command").values_list("code", flat=True)) == {
        "AFRICOM", "CENTCOM", "EUCOM", "INDOPACOM", "NORTHCOM", "SOUTHCOM"}


def test_goal_taxonomy_complete():
    top = Goal.objects.filter(parent__isnull=True)
    assert list(top.values_list("code", flat=True)) == ["1", "2", "3", "4"]
    assert Goal.objects.filter(parent__code="1").count() == 6
    assert Goal.objects.get(code="1.a").title == "Disrupt and defeat transnational threats"
    assert Goal.objects.get(code="1.e").title.startswith("Maintain control of their territory")
    for goal in top:
        assert goal.subgoals.exists()


def test_security_and_justice_sectors_and_agencies():
    codes = set(Sector.objects.values_list("dac_code", flat=True))
    assert {"15210", "15230", "15240", "15250", "15130", "15132", "15137", "15160"} <= codes
    assert {"DOD", "DOS", "DOJ", "DHS", "USAID", "TREAS"} <= set(Agency.objects.values_list("code", flat=True))
    assert RegionalOrganization.objects.get(code="NATO").members.count() == 32


def test_aliases_point_at_known_countries():
    known = set(Country.objects.values_list("iso3", flat=True))
    with (DATA_DIR / "country_aliases.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"Burma", "Cote d'Ivoire", "Swaziland", "West Bank and Gaza"} <= {r["alias"] for r in rows}
    assert {r["alpha3"] for r in rows} <= known


def test_loading_twice_changes_nothing(django_assert_max_num_queries):
    before = list(Country.objects.order_by("iso3").values())
    with django_assert_max_num_queries(20):
        report = reference_data_load()
    assert not report.changed
    assert list(Country.objects.order_by("iso3").values()) == before


def test_loading_repairs_a_changed_row():
    Country.objects.filter(iso3="KEN").update(name="Kenia")
    report = reference_data_load()
    assert report.updated["countries"] == 1
    assert Country.objects.get(iso3="KEN").name == "Kenya"

"""The stored coordination findings rebuilt only where a change can reach them
(evaluations/services/coordination_findings.py): after every kind of change, the stored
rows (rule, number, country, data) equal those of a full rebuild; a program edit leaves
the findings of other countries untouched and costs the same queries at any size."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluations.models import CoordinationFinding
from evaluations.services.coordination_findings import findings_current, findings_rebuild
from programs import models as m
from tests import factories
from tests.factories.dashboards import findings_of_every_rule, portfolio_build

pytestmark = pytest.mark.django_db


def _stored() -> list[tuple]:
    return sorted(CoordinationFinding.objects.values_list("rule", "finding", "country_id", "data"),
                  key=lambda row: (row[0], row[1], row[2] or 0, str(row[3])))


def _full_delete(queries) -> bool:
    """Whether a rebuild emptied the whole table (the full path)."""
    return any(q["sql"].strip() == "DELETE FROM evaluations_coordinationfinding" for q in queries.captured_queries)


@pytest.fixture
def portfolio(agency_a, agency_b):
    """Findings of every rule in Kenya and Ghana (``findings_of_every_rule``), its two
    programs also serving a Ghanaian unit whose vetting expires today, and overlaps
    elsewhere; stored."""
    built = findings_of_every_rule(agency_a, agency_b)
    vetted = factories.PartnerInstitutionFactory(country=built["GHA"])
    m.Vetting.objects.create(institution=vetted, status="approved", requested_on=dt.date(2026, 1, 5),
                             decided_on=dt.date(2026, 1, 20), expires_on=timezone.localdate())
    for program in built["programs"]:
        program.partner_institutions.add(vetted)
    assert findings_current()
    assert {rule for rule, *_ in _stored()} == {"overlap", "donor_overlap", "gap", "surge", "vetting"}
    return {**built, "kenya": built["KEN"], "ghana": built["GHA"], "vetted": vetted}


def _link_saved(program: m.Program, relation: str, change: str, target) -> None:
    """``change`` ("add" or "remove") ``target`` in the program's many-to-many ``relation``,
    then save the program, as the program services do."""
    getattr(getattr(program, relation), change)(target)
    program.save()


def _program_edited(p):
    program = p["programs"][0]
    program.end_fy = 2026
    program.save()


def _status_terminated(p):
    program = p["programs"][1]
    program.status = m.ProgramStatus.TERMINATED
    program.save()


def _lead_agency_changed(p):
    program = p["programs"][0]
    program.lead_agency = p["programs"][1].lead_agency
    program.save()


def _country_link_added(p):
    p["programs"][0].countries.add(factories.country("NGA"))  # no save: the link's id tells


def _country_link_removed(p):
    _link_saved(p["programs"][0], "countries", "remove", p["ghana"])


def _country_link_removed_unsaved(p):
    p["programs"][0].countries.remove(p["ghana"])


def _partner_unit_linked(p):
    other = m.Program.objects.filter(countries__iso3="NGA", archived_at__isnull=True).first()
    _link_saved(other, "partner_institutions", "add", p["unit"])


def _partner_unit_unlinked(p):
    _link_saved(p["programs"][0], "partner_institutions", "remove", p["unit"])


def _partner_unit_unlinked_from_a_program_without_countries(p):
    program = p["programs"][0]
    program.countries.clear()  # the whole rebuild this needs is done before the change below
    program.save()
    assert findings_current()
    _link_saved(program, "partner_institutions", "remove", p["unit"])


def _unit_in_another_country(p) -> m.PartnerInstitution:
    """A Colombian unit (outside the first program's countries, Kenya and Ghana, as an
    edit that drops a country leaves one) that another agency's Colombian program serves;
    stored."""
    unit = factories.PartnerInstitutionFactory(country=p["COL"])
    other = factories.ProgramFactory(lead_agency=p["programs"][1].lead_agency, countries=[p["COL"]],
                                     start_fy=2026, end_fy=2028)
    other.partner_institutions.add(unit)
    assert findings_current()
    return unit


def _unit_in_another_country_linked(p):
    # an overlap in Colombia only
    _link_saved(p["programs"][0], "partner_institutions", "add", _unit_in_another_country(p))


def _unit_in_another_country_unlinked(p):
    unit, program = _unit_in_another_country(p), p["programs"][0]
    _link_saved(program, "partner_institutions", "add", unit)
    findings_rebuild(force=True)  # its overlap in Colombia stored, whatever the reach
    assert CoordinationFinding.objects.filter(rule="overlap", country_id=p["COL"].pk, data__on_id=unit.pk).exists()
    _link_saved(program, "partner_institutions", "remove", unit)  # its overlap, stored under Colombia, goes


def _objective_served(p):
    _link_saved(p["programs"][1], "objectives", "add", p["objective"])


def _program_added(p):
    factories.ProgramFactory(lead_agency=p["programs"][1].lead_agency, countries=[factories.country("NGA")],
                             goals=[m.Goal.objects.get(code="1.a")], start_fy=2025, end_fy=2027)


def _program_archived(p):
    program = p["programs"][1]
    program.archived_at = timezone.now()
    program.save()


def _program_deleted(p):
    m.Program.objects.filter(pk=p["programs"][1].pk).delete()


def _vetting_approved(p):
    m.Vetting.objects.create(institution=p["unit"], status="approved", requested_on=dt.date(2026, 2, 1),
                             decided_on=dt.date(2026, 2, 10), expires_on=dt.date(2030, 1, 1))


def _strategy_objective_added(p):
    m.Objective.objects.create(strategy=p["objective"].strategy, code="2", description="Maritime security")


# (change, whether only the programs' reach is rebuilt)
CHANGES = {
    "program edit": (_program_edited, True),
    "status": (_status_terminated, True),
    "lead agency": (_lead_agency_changed, True),
    "country link added": (_country_link_added, True),
    "country link removed, program saved": (_country_link_removed, False),
    "country link removed, program not saved": (_country_link_removed_unsaved, False),
    "partner unit linked": (_partner_unit_linked, True),
    "partner unit unlinked": (_partner_unit_unlinked, True),
    "partner unit unlinked, program in no country": (_partner_unit_unlinked_from_a_program_without_countries, True),
    "partner unit in another country linked": (_unit_in_another_country_linked, True),
    "partner unit in another country unlinked": (_unit_in_another_country_unlinked, True),
    "objective served": (_objective_served, True),
    "program added": (_program_added, True),
    "program archived": (_program_archived, True),
    "program deleted": (_program_deleted, False),
    "vetting approved": (_vetting_approved, False),
    "strategy objective added": (_strategy_objective_added, False),
}


@pytest.mark.parametrize("change", CHANGES)
def test_after_each_kind_of_change_the_stored_findings_equal_a_full_rebuild(portfolio, change):
    make, incremental = CHANGES[change]
    before = _stored()
    # When the change is made and the findings are read
    make(portfolio)
    with CaptureQueriesContext(connection) as queries:
        assert findings_current()
    rebuilt = _stored()
    # Then they equal the findings a full rebuild stores, and the change reached them
    findings_rebuild(force=True)
    assert rebuilt == _stored()
    assert rebuilt != before
    assert _full_delete(queries) is not incremental


def test_a_new_day_rebuilds_the_vetting_rule_only_and_equals_a_full_rebuild(portfolio, monkeypatch):
    # Given a vetting expiring today (current), stored
    before = _stored()
    others = set(CoordinationFinding.objects.exclude(rule="vetting").values_list("pk", flat=True))
    # When the day changes
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    with CaptureQueriesContext(connection) as queries:
        assert findings_current()
    # Then the expired vetting is a finding, the other rules were not rewritten, and all
    # equals a full rebuild
    rebuilt = _stored()
    assert not _full_delete(queries)
    assert len([r for r in rebuilt if r[0] == "vetting"]) > len([r for r in before if r[0] == "vetting"])
    assert set(CoordinationFinding.objects.exclude(rule="vetting").values_list("pk", flat=True)) == others
    findings_rebuild(force=True)
    assert rebuilt == _stored()


def test_an_institution_overlap_is_stored_under_the_institutions_country_only(portfolio):
    # Given two agencies' programs serving Kenya and Ghana and the same Kenyan unit (stored)
    # Then their overlap on that unit is Kenya's, not Ghana's too; their goal's is both's
    on_unit = CoordinationFinding.objects.filter(rule="overlap", data__on_kind="institution",
                                                 data__on_id=portfolio["unit"].pk)
    assert sorted(on_unit.values_list("country_id", flat=True)) == [portfolio["kenya"].pk]
    on_goal = CoordinationFinding.objects.filter(rule="overlap", data__on_kind="goal",
                                                 data__on_id=m.Goal.objects.get(code="1.e").pk)
    assert {portfolio["kenya"].pk, portfolio["ghana"].pk} <= set(on_goal.values_list("country_id", flat=True))


def test_a_program_edit_leaves_other_countries_findings_untouched(portfolio):
    # Given stored findings in countries the edited program is not in
    elsewhere = dict(CoordinationFinding.objects.filter(rule__in=["overlap", "donor_overlap"])
                     .exclude(country_id__in=[portfolio["kenya"].id, portfolio["ghana"].id]).values_list("pk", "data"))
    assert elsewhere
    # When a program of Kenya and Ghana is edited
    _program_edited(portfolio)
    assert findings_current()
    # Then those rows are the same rows (not deleted and written again)
    assert dict(CoordinationFinding.objects.filter(pk__in=elsewhere).values_list("pk", "data")) == elsewhere


def test_a_program_edit_costs_the_same_queries_for_ten_times_the_data():
    def edit_and_rebuild() -> int:
        findings_current()
        program = m.Program.objects.filter(archived_at__isnull=True).order_by("pk").first()
        program.end_fy = (program.end_fy or 2028) + 1
        program.save()
        with CaptureQueriesContext(connection) as queries:
            assert findings_current()
        assert not _full_delete(queries)
        return len(queries)

    portfolio_build(programs_per_country=1)
    small = edit_and_rebuild()
    portfolio_build(programs_per_country=10)
    assert edit_and_rebuild() == small

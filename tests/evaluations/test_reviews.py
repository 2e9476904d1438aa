"""Crisis events, planning cycles and review decisions (programs.services.reviews)."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from infrastructure.conflicts import StateConflict
from programs import models as m
from programs.services.reviews import crisis_event_close, crisis_event_record, planning_cycle_open, review_decide
from programs.signals import country_inputs_changed
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenya_programs(agency_a, agency_b):
    kenya = factories.country("KEN")
    return {
        "active": factories.ProgramFactory(lead_agency=agency_a, countries=[kenya], status="active"),
        "restructured": factories.ProgramFactory(lead_agency=agency_b, countries=[kenya], status="restructured"),
        "proposed": factories.ProgramFactory(lead_agency=agency_a, countries=[kenya], status="proposed"),
        "elsewhere": factories.ProgramFactory(lead_agency=agency_a, countries=[factories.country("UGA")]),
    }


def test_a_crisis_puts_the_countrys_running_programs_under_out_of_cycle_review(manager, kenya_programs):
    events = []

    def listen(sender, **kwargs):
        events.append({k: v for k, v in kwargs.items() if k != "signal"})

    country_inputs_changed.connect(listen)
    try:
        crisis = crisis_event_record(user=manager, country=factories.country("KEN"), title="Coup attempt",
                                     occurred_on=dt.date(2026, 11, 1))
    finally:
        country_inputs_changed.disconnect(listen)

    reviews = m.ProgramReview.objects.filter(crisis=crisis)
    assert {r.program_id for r in reviews} == {kenya_programs["active"].id, kenya_programs["restructured"].id}
    assert all(r.out_of_cycle and r.is_pending for r in reviews)
    for key in ("active", "restructured"):
        kenya_programs[key].refresh_from_db()
        assert kenya_programs[key].status == "under_review"
        assert kenya_programs[key].history.first().history_change_reason.startswith("review: Crisis in Kenya")
    assert {"country_ids": [crisis.country_id]} in events


def test_reviews_opened_in_bulk_have_history_with_author_and_reason(manager, kenya_programs):
    crisis = crisis_event_record(user=manager, country=factories.country("KEN"), title="Coup attempt",
                                 occurred_on=dt.date(2026, 11, 1))
    rows = m.ProgramReview.history.filter(crisis_id=crisis.pk).select_related("history_user")
    assert sorted((r.program_id, r.history_type, r.history_user, r.history_change_reason) for r in rows) == sorted(
        (kenya_programs[key].id, "+", manager, "out-of-cycle review: crisis in Kenya: Coup attempt")
        for key in ("active", "restructured")
    )
    cycle = planning_cycle_open(user=manager, fiscal_year=2027)
    in_cycle = m.ProgramReview.history.filter(cycle_id=cycle.pk)
    assert in_cycle.count() == m.ProgramReview.objects.filter(cycle=cycle).count() == 4
    assert {(r.history_user_id, r.history_change_reason) for r in in_cycle} == {
        (manager.pk, "in-cycle review: planning cycle FY2027 opened")}
    assert {r.id for r in in_cycle} == set(m.ProgramReview.objects.filter(cycle=cycle).values_list("id", flat=True))


def test_only_managers_record_crises_and_bad_dates_are_field_errors(analyst_a, manager, kenya_programs):
    with pytest.raises(PermissionDenied):
        crisis_event_record(user=analyst_a, country=factories.country("KEN"), title="x", occurred_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        crisis_event_record(user=manager, country=factories.country("KEN"), title="Flood", occurred_on=dt.date(2099, 1, 1))
    assert "occurred_on" in error.value.message_dict
    assert not m.CrisisEvent.objects.exists()
    crisis = crisis_event_record(user=manager, country=factories.country("KEN"), title="Flood", occurred_on=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        crisis_event_close(user=manager, crisis=crisis, closed_on=dt.date(2025, 1, 1))
    assert "closed_on" in error.value.message_dict and not isinstance(error.value, StateConflict)
    assert crisis_event_close(user=manager, crisis=crisis, closed_on=dt.date(2026, 2, 1)).closed_on == dt.date(2026, 2, 1)
    with pytest.raises(StateConflict, match="already closed"):  # the stored state decides: 409 on the API
        crisis_event_close(user=manager, crisis=crisis, closed_on=dt.date(2026, 3, 1))


@pytest.mark.parametrize(
    "decision,start,end",
    [("continue", "under_review", "active"), ("restructure", "active", "restructured"),
     ("terminate", "active", "terminated"), ("initiate", "proposed", "active")],
)
def test_a_decision_is_recorded_and_moves_the_program(manager, agency_a, decision, start, end):
    program = factories.ProgramFactory(lead_agency=agency_a, status=start)
    cycle = planning_cycle_open(user=manager, fiscal_year=2027)
    review = m.ProgramReview.objects.get(cycle=cycle, program=program)
    review_decide(user=manager, review=review, decision=decision, rationale="Results and context")
    review.refresh_from_db()
    program.refresh_from_db()
    assert (review.decision, review.rationale, review.decided_by, program.status) == (
        decision, "Results and context", manager, end
    )


def test_review_decisions_refuse_bad_input(manager, analyst_a, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, status="active")
    review = m.ProgramReview.objects.get(cycle=planning_cycle_open(user=manager, fiscal_year=2027), program=program)
    with pytest.raises(PermissionDenied):
        review_decide(user=analyst_a, review=review, decision="continue", rationale="x")
    with pytest.raises(ValidationError) as error:
        review_decide(user=manager, review=review, decision="continue", rationale="  ")
    assert "rationale" in error.value.message_dict
    with pytest.raises(StateConflict) as error:  # an active program cannot be initiated: its status decides
        review_decide(user=manager, review=review, decision="initiate", rationale="start it")
    assert "decision" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        review_decide(user=manager, review=review, decision="explode", rationale="x")
    assert "decision" in error.value.message_dict and not isinstance(error.value, StateConflict)
    review_decide(user=manager, review=review, decision="continue", rationale="on track")
    with pytest.raises(StateConflict, match="already decided"):
        review_decide(user=manager, review=review, decision="terminate", rationale="again")


def test_opening_a_cycle_twice_adds_no_duplicate_reviews(manager, kenya_programs):
    cycle = planning_cycle_open(user=manager, fiscal_year=2027)
    first = m.ProgramReview.objects.filter(cycle=cycle).count()
    planning_cycle_open(user=manager, fiscal_year=2027)
    assert first == m.ProgramReview.objects.filter(cycle=cycle).count() == 4

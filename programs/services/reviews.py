"""Crisis events, planning cycles and program reviews (the annual cycle and out of cycle).

The policy asks for an annual planning cycle that can initiate, restructure or terminate
programs, or do so at once when a crisis demands. A crisis recorded on a country opens
an out-of-cycle review of each of its running programs and puts the active ones under
review; a manager's decision closes the review and moves the program through the
lifecycle (``program_transition``), so history and rollups follow the usual path.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from infrastructure.conflicts import StateConflict

from .. import permissions
from ..models import (
    RUNNING_STATUSES,
    Country,
    CrisisEvent,
    PlanningCycle,
    Program,
    ProgramReview,
    ProgramStatus,
    ReviewDecision,
    User,
)
from ..signals import country_inputs_changed
from infrastructure.saving import validated_save
from .programs import program_transition
from infrastructure.dates import date_text

# Programs not yet running that a planning cycle may initiate.
PIPELINE_STATUSES = (ProgramStatus.PROPOSED, ProgramStatus.APPROVED)


def _running_programs_in(country: Country):
    return Program.objects.filter(countries=country, status__in=RUNNING_STATUSES, archived_at__isnull=True)


@transaction.atomic
def crisis_event_record(
    *, user: User, country: Country, title: str, occurred_on: dt.date, description: str = ""
) -> CrisisEvent:
    """Record a crisis (managers): out-of-cycle reviews open for the country's running
    programs and active ones move to "under review" at once."""
    permissions.require_manager(user, "record crisis events")
    if occurred_on and occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": "A crisis cannot be recorded for a future date."})
    crisis = CrisisEvent(
        country=country, title=(title or "").strip(), occurred_on=occurred_on,
        description=(description or "").strip(), recorded_by=user,
    )
    validated_save(crisis, user=user, rationale=f"crisis recorded: {crisis.title}")
    programs = list(_running_programs_in(country).order_by("code"))
    bulk_create_with_history(
        [ProgramReview(program=program, out_of_cycle=True, crisis=crisis) for program in programs], ProgramReview,
        default_user=user, default_change_reason=f"out-of-cycle review: crisis in {country.name}: {crisis.title}",
    )
    for program in programs:
        if program.status in (ProgramStatus.ACTIVE, ProgramStatus.RESTRUCTURED):
            program_transition(
                user=user, program=program, action="review", reason=f"Crisis in {country.name}: {crisis.title}",
                version=program.version,  # read in this transaction, just above
            )
    country_inputs_changed.send(sender=CrisisEvent, country_ids=[country.id])
    return crisis


@transaction.atomic
def crisis_event_close(*, user: User, crisis: CrisisEvent, closed_on: dt.date) -> CrisisEvent:
    """Close a crisis (managers); the country's selectivity no longer flags it."""
    permissions.require_manager(user, "close crisis events")
    crisis = CrisisEvent.objects.select_for_update().get(pk=crisis.pk)
    if closed_on is None:
        raise ValidationError({"closed_on": "Give the date the crisis ended."})
    if crisis.closed_on is not None:
        raise StateConflict({"closed_on": f"This crisis is already closed (on {date_text(crisis.closed_on)})."})
    if closed_on < crisis.occurred_on:
        raise ValidationError({"closed_on": "A crisis cannot close before it occurred."})
    crisis.closed_on = closed_on
    validated_save(crisis, user=user, rationale="crisis closed")
    country_inputs_changed.send(sender=CrisisEvent, country_ids=[crisis.country_id])
    return crisis


@transaction.atomic
def planning_cycle_open(*, user: User, fiscal_year: int) -> PlanningCycle:
    """Open the planning cycle of a fiscal year (managers), with an in-cycle review for
    every running or pipeline program that has none in this cycle yet. Idempotent."""
    permissions.require_manager(user, "open planning cycles")
    cycle = PlanningCycle.objects.filter(fiscal_year=fiscal_year).first()
    if cycle is None:
        cycle = validated_save(PlanningCycle(fiscal_year=fiscal_year), user=user, rationale="planning cycle opened")
    reviewed = ProgramReview.objects.filter(cycle=cycle).values("program_id")
    candidates = Program.objects.filter(
        status__in=(*RUNNING_STATUSES, *PIPELINE_STATUSES), archived_at__isnull=True
    ).exclude(pk__in=reviewed)
    bulk_create_with_history(
        [ProgramReview(program=p, cycle=cycle) for p in candidates.order_by("code")], ProgramReview,
        default_user=user, default_change_reason=f"in-cycle review: planning cycle FY{fiscal_year} opened",
    )
    return cycle


# decision -> lifecycle actions, by the program's current status.
_ACTIONS = {
    ReviewDecision.CONTINUE: {ProgramStatus.UNDER_REVIEW: ["continue"], ProgramStatus.ACTIVE: [],
                              ProgramStatus.RESTRUCTURED: []},
    ReviewDecision.RESTRUCTURE: {ProgramStatus.UNDER_REVIEW: ["restructure"],
                                 ProgramStatus.ACTIVE: ["review", "restructure"],
                                 ProgramStatus.RESTRUCTURED: ["review", "restructure"]},
    ReviewDecision.TERMINATE: {status: ["terminate"] for status in (*RUNNING_STATUSES, *PIPELINE_STATUSES)},
    ReviewDecision.INITIATE: {ProgramStatus.PROPOSED: ["approve", "start"], ProgramStatus.APPROVED: ["start"]},
}


@transaction.atomic
def review_decide(*, user: User, review: ProgramReview, decision: str, rationale: str) -> ProgramReview:
    """A manager decides a review: continue / restructure / terminate / initiate, with a
    rationale; the program moves through its lifecycle accordingly."""
    permissions.require_manager(user, "decide program reviews")
    review = ProgramReview.objects.select_for_update().select_related("program").get(pk=review.pk)
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Choose continue, restructure, terminate or initiate."})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Give the rationale for the decision."})
    if not review.is_pending:
        raise StateConflict({"decision": f"This review was already decided ({review.get_decision_display().lower()})."})
    program = review.program
    actions = _ACTIONS[decision].get(program.status)
    if actions is None:
        label = ReviewDecision(decision).label.lower()
        raise StateConflict(
            {"decision": f"A program that is {program.get_status_display().lower()} cannot be {label}d."}
        )
    review.decision = decision
    review.rationale = rationale.strip()
    review.decided_by = user
    review.decided_at = timezone.now()
    validated_save(review, user=user, rationale=f"review decided: {decision}")
    for action in actions:
        program = program_transition(
            user=user, program=program, action=action, reason=f"Review: {rationale.strip()}", version=program.version
        )
    return review

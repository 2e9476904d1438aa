"""Reporting deadlines: the pure reference and the set-based SQL agree, and the states
follow the period end plus the administrators' grace period."""
import datetime as dt
import random
from decimal import Decimal

import pytest

from notifications.reporting import DUE, OVERDUE, REPORTED, deadline_state, periods_owed, reporting_head, reporting_rows
from programs.models import Frequency, MeasurementStatus, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 15)  # FY2026 Q3; Q2 ended 31 March


def test_a_period_is_due_within_the_grace_period_and_overdue_after():
    end = dt.date(2026, 3, 31)
    assert deadline_state(end, today=dt.date(2026, 3, 31), grace_days=30) is None
    assert deadline_state(end, today=dt.date(2026, 4, 30), grace_days=30) == DUE
    assert deadline_state(end, today=dt.date(2026, 5, 1), grace_days=30) == OVERDUE


def test_the_reference_lists_ended_quarters_without_a_submitted_value():
    owed = periods_owed(moe_id=1, frequency=Frequency.QUARTERLY, start_fy=2026, end_fy=2028,
                        reported=["FY2026-Q1"], today=TODAY, grace_days=60)
    assert [(o.period, o.state) for o in owed] == [("FY2026-Q2", DUE)]
    assert owed[0].deadline == dt.date(2026, 5, 30)


def test_a_returned_value_is_reported_and_a_draft_is_still_owed(agency_a, analyst_a):
    """Returned values met the deadline (their correction is the "returned" work list):
    never due or overdue, in the SQL as in the reference."""
    assert set(REPORTED) == {MeasurementStatus.SUBMITTED, MeasurementStatus.APPROVED, MeasurementStatus.RETURNED}
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=2026, end_fy=2026)
    moe = factories.MoeFactory(program=program, frequency=Frequency.QUARTERLY)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.RETURNED, return_reason="fix")
    factories.MeasurementFactory(moe=moe, period="FY2026-Q2", status=MeasurementStatus.DRAFT)
    rows = reporting_rows(agency_id=agency_a.pk, today=TODAY, grace_days=30)
    assert [(r.period, r.state) for r in rows] == [("FY2026-Q2", OVERDUE)]
    reference = periods_owed(moe_id=moe.pk, frequency=moe.frequency, start_fy=2026, end_fy=2026,
                             reported=["FY2026-Q1"], today=TODAY, grace_days=30)
    assert [(o.period, o.state) for o in reference] == [("FY2026-Q2", OVERDUE)]
    assert reporting_head(agency_id=agency_a.pk, today=TODAY, grace_days=30, limit=5)[:2] == (1, 1)


def test_the_sql_names_only_the_agencys_running_programs(agency_a, agency_b):
    mine = factories.ProgramFactory(lead_agency=agency_a, start_fy=2026, end_fy=2026)
    moe = factories.MoeFactory(program=mine, frequency=Frequency.SEMI_ANNUAL)
    factories.MoeFactory(program=factories.ProgramFactory(lead_agency=agency_b, start_fy=2026, end_fy=2026))
    factories.MoeFactory(program=factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED,
                                                           start_fy=2026, end_fy=2026))
    rows = reporting_rows(agency_id=agency_a.pk, today=TODAY, grace_days=30)
    assert [(r.moe_id, r.period, r.state, r.program_code) for r in rows] == [(moe.pk, "FY2026-H1", OVERDUE, mine.code)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_equals_the_reference_on_generated_data(agency_a, seed):
    rng = random.Random(seed)
    today = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    grace = rng.choice([0, 15, 45, 120])
    expected = []
    for _ in range(6):
        start = rng.randint(2023, 2026)
        program = factories.ProgramFactory(lead_agency=agency_a, start_fy=start, end_fy=start + rng.randint(0, 2))
        for _ in range(rng.randint(1, 3)):
            moe = factories.MoeFactory(program=program, frequency=rng.choice(Frequency.values))
            reported = []
            for period in periods_owed(moe_id=moe.pk, frequency=moe.frequency, start_fy=program.start_fy,
                                       end_fy=program.end_fy, reported=[], today=today, grace_days=grace):
                status = rng.choice([None, *MeasurementStatus.values])
                if status is None:
                    continue
                factories.MeasurementFactory(moe=moe, period=period.period, value=Decimal(1), status=status,
                                             return_reason="fix" if status == "returned" else "")
                if status in REPORTED:
                    reported.append(period.period)
            expected += periods_owed(moe_id=moe.pk, frequency=moe.frequency, start_fy=program.start_fy,
                                     end_fy=program.end_fy, reported=reported, today=today, grace_days=grace)
    got = reporting_rows(agency_id=agency_a.pk, today=today, grace_days=grace, first_fy=2023)
    key = lambda o: (o.moe_id, o.period_end, o.period)  # noqa: E731
    assert sorted([(o.moe_id, o.period, o.deadline, o.state) for o in got], key=str) == sorted(
        [(o.moe_id, o.period, o.deadline, o.state) for o in sorted(expected, key=key)], key=str)
    assert expected, "the generated data should owe something"

    # The work list's head (counts by window functions, the first rows) agrees with the rows.
    count, overdue, first = reporting_head(agency_id=agency_a.pk, today=today, grace_days=grace, limit=5)
    every = reporting_rows(agency_id=agency_a.pk, today=today, grace_days=grace)
    assert (count, overdue) == (len(every), sum(1 for r in every if r.state == OVERDUE))
    assert [(r.moe_id, r.period) for r in first] == [(r.moe_id, r.period) for r in every[:5]]

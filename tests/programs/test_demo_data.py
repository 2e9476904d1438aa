"""The demo portfolio (``load_demo_data``) and the benchmark generator
(``generate_benchmark_data``), run for real on the test database.

Every row goes in through bulk inserts, so every database constraint is exercised by
simply building the data; the tests below check what the data must show.
"""
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from programs import models as m
from programs.demo.loading import _app_demo_builder, demo_portfolio_load
from programs.demo.portfolio import DEMO_SIZE, PortfolioActors, PortfolioCalendar, portfolio_build
from programs.fiscal import DEFAULT_GRACE_DAYS, Period, current_fiscal_year
from programs.permissions import ADMINISTRATOR, ANALYST, MANAGER
from tests import factories

pytestmark = pytest.mark.django_db

USERNAMES = ("analyst.state", "analyst.defense", "manager", "admin")
MODELS_BUILT = (
    m.Program, m.Funding, m.MeasureOfEffectiveness, m.Target, m.Measurement, m.PartnerInstitution,
    m.Vetting, m.DonorEngagement, m.OtherDonor, m.ImplementingPartner, m.Strategy, m.Objective,
    m.CountryPriorityTier, m.PlanningCycle, m.CrisisEvent, m.ProgramReview, m.User,
)


def _load_demo() -> tuple[str, dict[str, str]]:
    """Run the command; return its output and the passwords it printed, by username."""
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    text = out.getvalue()
    passwords = {}
    for username in USERNAMES:
        match = re.search(rf"^\s+{re.escape(username)}\s+\S+\s+(\S+)\s*$", text, re.MULTILINE)
        assert match, f"no password printed for {username}:\n{text}"
        passwords[username] = match.group(1)
    return text, passwords


def _demo_programs():
    return m.Program.objects.filter(code__startswith="DEMO-")


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS_BUILT}


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """Given the demo portfolio loaded by the command: built once for the class, inside a
    transaction that is rolled back after its last test (each test's own changes roll
    back to a savepoint first)."""
    from tests.conftest import _ensure_reference_data

    with django_db_blocker.unblock():
        # Class fixtures run before the per-test reference_data fixture: after a transactional
        # test's flush (whichever file ran before on this worker) the reference data is reloaded here.
        _ensure_reference_data()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _load_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- the demo portfolio --------------------------------------------------------------------


class TestDemoPortfolio:
    """The demo portfolio as ``load_demo_data`` builds it."""

    def test_demo_countries_cover_every_bureau_and_command_with_tiers(self, demo):
        # When we look at the countries the demo programs work in
        countries = m.Country.objects.filter(programs__code__startswith="DEMO-").distinct()
        # Then there are at least 40, over all six State bureaus and all six combatant commands
        assert countries.count() >= 40
        assert set(countries.values_list("state_bureau__code", flat=True)) == {"AF", "EAP", "EUR", "NEA", "SCA", "WHA"}
        assert set(countries.values_list("combatant_command__code", flat=True)) == {
            "AFRICOM", "CENTCOM", "EUCOM", "INDOPACOM", "NORTHCOM", "SOUTHCOM"}
        # and each has a priority tier, decided in this fiscal year's cycle with a rationale
        assert not countries.filter(priority_tier__isnull=True).exists()
        assert set(countries.values_list("priority_tier", flat=True)) == {1, 2, 3, 4}
        decisions = m.CountryPriorityTier.objects.filter(cycle__fiscal_year=current_fiscal_year(), country__in=countries)
        assert decisions.count() == countries.count()
        assert not decisions.filter(rationale="").exists()
        assert not decisions.exclude(tier=F("country__priority_tier")).exists()


    def test_demo_programs_are_varied(self, demo):
        programs = _demo_programs()
        assert programs.count() >= 150
        assert {"active", "proposed", "approved", "completed", "under_review"} <= set(
            programs.values_list("status", flat=True))
        assert programs.filter(status="active").count() > programs.count() / 2
        assert len(set(programs.values_list("lead_agency__code", flat=True))) >= 5
        assert len(set(programs.values_list("purpose", flat=True))) == 3
        assert programs.filter(supporting_agencies__isnull=False).distinct().count() > 20
        # regional / cross-border programs with several countries
        assert programs.annotate(n=Count("countries")).filter(n__gte=2).count() >= 5
        # sub-goals, DAC sectors, implementing partners and partner institutions of many types
        goal_codes = set(programs.values_list("goals__code", flat=True)) - {None}
        assert len(goal_codes) >= 10 and all("." in code for code in goal_codes)
        assert len(set(programs.values_list("sectors__dac_code", flat=True)) - {None}) >= 10
        assert not programs.filter(implementing_partners__isnull=True).exists()
        types = set(m.PartnerInstitution.objects.filter(programs__in=programs).values_list("institution_type", flat=True))
        assert types == set(m.InstitutionType.values)
        titles = list(programs.values_list("title", flat=True))
        assert any("Border" in t for t in titles) and any("Maritime" in t for t in titles)
        assert not programs.filter(description="").exists()


    def test_demo_funding_covers_three_years_and_is_consistent(self, demo):
        funding = m.Funding.objects.filter(program__in=_demo_programs())
        fy = current_fiscal_year()
        assert set(funding.values_list("fiscal_year", flat=True)) == {fy - 2, fy - 1, fy}
        assert not funding.filter(Q(obligated__gt=F("planned")) | Q(disbursed__gt=F("obligated"))).exists()
        totals = funding.aggregate(planned=Sum("planned"), obligated=Sum("obligated"), disbursed=Sum("disbursed"))
        assert Decimal("100000000") < totals["planned"] < Decimal("10000000000")
        assert totals["planned"] > totals["obligated"] > totals["disbursed"] > 0


    def test_demo_moes_have_targets_and_quarterly_measurements(self, demo):
        moes = m.MeasureOfEffectiveness.objects.filter(program__in=_demo_programs())
        per_program = Counter(moes.values_list("program_id", flat=True))
        assert len(per_program) == _demo_programs().count()
        assert set(per_program.values()) <= {2, 3, 4}
        assert {"outcome", "output"} == set(moes.values_list("kind", flat=True))
        assert {"increase", "decrease"} == set(moes.values_list("direction", flat=True))
        assert moes.filter(is_cumulative=True).exists() and moes.filter(is_cumulative=False).exists()
        assert len(set(moes.values_list("weight", flat=True))) > 1
        assert not moes.annotate(n=Count("targets")).filter(n=0).exists()
        measurements = m.Measurement.objects.filter(moe__in=moes)
        quarters = set(measurements.values_list("period", flat=True))
        assert len(quarters) >= 8 and all("-Q" in q for q in quarters)
        assert max(quarters, key=lambda code: Period.parse(code).end) == Period.quarter_of(timezone.localdate()).code
        statuses = Counter(measurements.values_list("status", flat=True))
        assert statuses["approved"] > sum(statuses.values()) / 2
        assert statuses["submitted"] and statuses["draft"]
        assert not measurements.filter(status="returned", return_reason="").exists()
        # people-counting MOEs broken down by sex, the parts adding up to the value
        breakdown = defaultdict(Decimal)
        for measurement_id, value in m.MeasurementDisaggregation.objects.filter(
            category__dimension="sex").values_list("measurement_id", "value"):
            breakdown[measurement_id] += value
        assert len(breakdown) >= 100
        values = dict(m.Measurement.objects.filter(id__in=list(breakdown)).values_list("id", "value"))
        assert breakdown == values
        # every MOE of a running program has data; only programs not started yet have none
        running = moes.filter(program__status__in=m.RUNNING_STATUSES)
        assert not running.annotate(n=Count("measurements")).filter(n=0).exists()
        assert moes.annotate(n=Count("measurements")).filter(n=0).exists()

    def test_the_demo_analyst_has_a_handful_of_reports_overdue_as_of_today(self, demo):
        """A well-run portfolio, whenever it is loaded: the analyst's home page lists a
        handful of overdue values (not hundreds), and nothing older than half a year."""
        from dashboards.selectors.worklists import reporting_due
        from notifications.reporting import OVERDUE, reporting_rows

        analyst = m.User.objects.get(username="analyst.state")
        today = timezone.localdate()
        work = reporting_due(analyst, today=today)
        overdue = int(re.search(r"\((\d+) overdue\)", work.title).group(1))
        assert 1 <= overdue <= 25, work.title
        rows = [r for r in reporting_rows(agency_id=analyst.agency_id, today=today, grace_days=DEFAULT_GRACE_DAYS) if r.state == OVERDUE]
        assert len(rows) == overdue
        assert min(r.period_end for r in rows) >= today - timedelta(days=200)
        # A value returned for correction was reported: it waits in "Values returned to me", never overdue.
        returned = set(m.Measurement.objects.filter(status=m.MeasurementStatus.RETURNED,
                                                    moe__program__lead_agency_id=analyst.agency_id)
                       .values_list("moe_id", "period"))
        assert returned and not returned & {(r.moe_id, r.period) for r in rows}


    def test_bulk_inserted_periods_carry_their_end_dates(self, demo):
        """bulk inserts skip save(): period_end must still match the period code."""
        for model in (m.Target, m.Measurement):
            pairs = set(model.objects.values_list("period", "period_end").distinct())
            assert pairs
            assert all(Period.parse(code).end == end for code, end in pairs)

    def test_demo_data_obeys_every_checked_rule(self, demo):
        """Periods of each MOE's frequency, inside program years, breakdowns adding up."""
        out = io.StringIO()
        call_command("data_check", stdout=out)
        assert out.getvalue().strip() == "No stored row breaks a checked rule."


    def test_demo_performance_varies_between_on_and_off_track(self, demo):
        """Latest approved achievement of non-cumulative MOEs (DESIGN.md section 3 formula)."""
        targets = {(moe_id, period): value for moe_id, period, value in m.Target.objects.values_list(
            "moe_id", "period", "value")}
        latest = {}
        for moe_id, period, value, baseline, direction in m.Measurement.objects.filter(
            status="approved", moe__is_cumulative=False, moe__program__code__startswith="DEMO-"
        ).order_by("moe_id", "period_end").values_list(
            "moe_id", "period", "value", "moe__baseline_value", "moe__direction"
        ):
            latest[moe_id] = (period, value, baseline, direction)
        achievements = []
        for moe_id, (period, actual, baseline, direction) in latest.items():
            target = targets[(moe_id, period)]
            if target != baseline:
                achievements.append(float((actual - baseline) / (target - baseline)))
        assert sum(a >= 0.85 for a in achievements) >= 20
        assert sum(a < 0.6 for a in achievements) >= 10


    def test_demo_oversight_data(self, demo):
        # vetting in every status, mostly approved
        vetting = Counter(m.Vetting.objects.values_list("status", flat=True))
        assert set(vetting) == {"approved", "pending", "expired", "denied"}
        assert vetting["approved"] > sum(vetting.values()) / 2
        # other donors engaged by country and sector
        donors = set(m.OtherDonor.objects.values_list("name", flat=True))
        assert {"United Kingdom (FCDO)", "European Union", "UNDP", "UNODC", "Japan (JICA)"} <= donors
        assert m.DonorEngagement.objects.values("country").distinct().count() >= 20
        assert not m.DonorEngagement.objects.filter(end_fy__lt=F("start_fy")).exists()
        # strategies for every tier 1-2 country, objectives linked to goals, some without a program
        tiered = m.Country.objects.filter(priority_tier__lte=2, programs__code__startswith="DEMO-").distinct()
        assert set(m.Strategy.objects.values_list("country_id", flat=True)) == set(tiered.values_list("id", flat=True))
        objectives = m.Objective.objects.all()
        assert not objectives.filter(goals__isnull=True).exists()
        assert objectives.filter(programs__isnull=True).exists()
        assert objectives.filter(programs__isnull=False).exists()
        # surge programs, some without a long-term objective or a sustainment plan
        surge = _demo_programs().filter(is_surge=True)
        assert surge.count() >= 3
        assert surge.filter(Q(long_term_objective__isnull=True) | Q(sustainment_plan="")).exists()
        # one open crisis; its country's running programs are under a pending crisis review
        crisis = m.CrisisEvent.objects.get(closed_on__isnull=True)
        in_crisis = _demo_programs().filter(countries=crisis.country, status__in=m.RUNNING_STATUSES)
        assert in_crisis.exists()
        assert set(in_crisis.values_list("status", flat=True)) == {"under_review"}
        assert m.ProgramReview.objects.filter(crisis=crisis, decision="").count() == in_crisis.count()


    def test_demo_users_one_per_role_with_printed_passwords(self, demo):
        _, passwords = demo
        users = {u.username: u for u in m.User.objects.filter(username__in=USERNAMES)}
        groups = {name: set(users[name].groups.values_list("name", flat=True)) for name in USERNAMES}
        assert groups == {"analyst.state": {ANALYST}, "analyst.defense": {ANALYST}, "manager": {MANAGER},
                          "admin": {ADMINISTRATOR}}
        assert users["analyst.state"].agency.code == "DOS"
        assert users["analyst.defense"].agency.code == "DOD"
        assert users["admin"].is_staff and users["admin"].is_superuser
        assert not users["manager"].is_superuser
        for username, password in passwords.items():
            assert len(password) >= 20
            assert authenticate(username=username, password=password) is not None
        assert len(set(passwords.values())) == 4


    def test_second_run_creates_nothing_and_only_resets_passwords(self, demo):
        # Given the demo portfolio and the passwords printed the first time
        _, first_passwords = demo
        before = _counts()
        # When the command runs again
        text, second_passwords = _load_demo()
        # Then nothing new exists, and only the passwords changed
        assert "already present" in text
        assert _counts() == before
        for username in USERNAMES:
            assert second_passwords[username] != first_passwords[username]
            assert authenticate(username=username, password=first_passwords[username]) is None
            assert authenticate(username=username, password=second_passwords[username]) is not None


class _Rollback(Exception):
    pass


def _snapshot(seed: int) -> dict:
    """Build the demo portfolio with ``seed`` inside a rolled-back transaction and return
    what it made (ids and timestamps aside)."""
    snapshot = {}
    with pytest.raises(_Rollback), transaction.atomic():
        manager = factories.ManagerFactory(username=f"mgr{seed}")
        report = portfolio_build(size=DEMO_SIZE, seed=seed, code_prefix="DEMO",
                                 actors=PortfolioActors(manager_id=manager.id))
        programs = _demo_programs()
        snapshot["codes"] = list(programs.order_by("code").values_list("code", "title", "status"))
        snapshot["funding"] = list(m.Funding.objects.values("fiscal_year").order_by("fiscal_year").annotate(
            planned=Sum("planned"), obligated=Sum("obligated"), disbursed=Sum("disbursed")))
        snapshot["measurements"] = m.Measurement.objects.aggregate(n=Count("id"), total=Sum("value"))
        snapshot["counts"] = report.counts
        raise _Rollback
    return snapshot


def test_same_seed_gives_same_portfolio_and_another_seed_another():
    first, again, other = _snapshot(7), _snapshot(7), _snapshot(8)
    assert first == again
    assert first["codes"] != other["codes"]
    assert first["funding"] != other["funding"]


@pytest.mark.parametrize("days_into_quarter, due_soon", [(10, True), (60, False)])
def test_the_demo_is_anchored_to_its_day_with_a_handful_owed(days_into_quarter, due_soon):
    """Loaded on any day, the portfolio reports up to that day's quarter: early in a quarter
    (within the 30-day grace period) some of the last quarter's values are due soon; later,
    none is due; overdue values stay a handful either way."""
    from notifications.reporting import DUE, OVERDUE, reporting_rows

    # Given the demo portfolio built as of a day some weeks into next quarter
    as_of = Period.quarter_of(timezone.localdate() + timedelta(days=92)).start + timedelta(days=days_into_quarter)
    calendar = PortfolioCalendar(as_of)
    with pytest.raises(_Rollback), transaction.atomic():
        manager = factories.ManagerFactory(username="mgr")
        analyst = factories.AnalystFactory(username="analyst.dos", agency=factories.agency("DOS"))
        portfolio_build(size=DEMO_SIZE, seed=11, code_prefix="DEMO", as_of=as_of,
                        actors=PortfolioActors(manager_id=manager.id, analyst_ids_by_agency={"DOS": analyst.id}))
        # Then its latest values are for that day's quarter, its funding for that fiscal year
        latest = max(m.Measurement.objects.values_list("period_end", flat=True))
        assert latest == calendar.last_reported.end and calendar.in_grace_period is due_soon
        assert max(m.Funding.objects.values_list("fiscal_year", flat=True)) == calendar.current_fy
        # And the State analyst owes a handful of values: some due soon only in the grace period
        owed = Counter(r.state for r in reporting_rows(agency_id=analyst.agency_id, today=as_of, grace_days=DEFAULT_GRACE_DAYS))
        assert 1 <= owed[OVERDUE] <= 25, owed
        assert (owed[DUE] >= 5) if due_soon else (owed[DUE] == 0), owed
        raise _Rollback


def test_app_demo_builders_are_optional():
    assert _app_demo_builder("no_such_app") is None
    assert _app_demo_builder("programs") is None  # programs.demo exists but has no build_demo_data


def test_demo_load_reports_the_app_builders_it_ran():
    result = demo_portfolio_load(seed=3)
    expected = [app for app in ("assessments", "evaluations") if _app_demo_builder(app) is not None]
    assert result.created and result.apps_built == expected


# --- the benchmark generator ---------------------------------------------------------------


def _bench(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_benchmark_data", *args, stdout=out)
    return out.getvalue()


def test_benchmark_generator_produces_exactly_the_requested_counts():
    # When the generator runs at a tiny size
    text = _bench("--countries", "12", "--programs", "30", "--moes", "90", "--measurements", "600", "--seed", "5")
    # Then it made exactly that many programs, MOEs and measurements, and said how long it took
    programs = m.Program.objects.filter(code__startswith="BENCH-")
    assert programs.count() == 30
    assert m.MeasureOfEffectiveness.objects.filter(program__in=programs).count() == 90
    assert m.Measurement.objects.filter(moe__program__in=programs).count() == 600
    assert m.Country.objects.filter(programs__in=programs).distinct().count() == 12
    assert re.search(r"generated in \d+\.\d s", text)
    # and every measured quarter has a target, funding is consistent
    targets = set(m.Target.objects.values_list("moe_id", "period"))
    assert set(m.Measurement.objects.values_list("moe_id", "period")) <= targets
    assert not m.Funding.objects.filter(Q(obligated__gt=F("planned")) | Q(disbursed__gt=F("obligated"))).exists()
    # and no value of a period not started, no collection or baseline date in the future
    out = io.StringIO()
    call_command("data_check", "--rule", "measured-dates", stdout=out)
    assert out.getvalue().strip() == "No stored row breaks a checked rule."


def test_benchmark_generator_reaches_back_for_long_histories():
    """More measurements per MOE than FY2025-Q1..FY2027-Q1 holds: the window reaches back,
    and programs start no later than their first measured quarter."""
    _bench("--countries", "5", "--programs", "4", "--moes", "8", "--measurements", "120")
    per_moe = Counter(m.Measurement.objects.values_list("moe_id", flat=True))
    assert sum(per_moe.values()) == 120 and max(per_moe.values()) >= 15
    assert min(m.Measurement.objects.values_list("period_end", flat=True)) < Period(2025, "Q", 1).start
    first_measured = defaultdict(list)
    for program_id, start_fy, end in m.Measurement.objects.values_list(
        "moe__program_id", "moe__program__start_fy", "period_end"
    ):
        first_measured[(program_id, start_fy)].append(end)
    assert all(start_fy <= Period.quarter_of(min(ends)).fiscal_year for (_, start_fy), ends in first_measured.items())


def test_benchmark_generator_refuses_a_database_with_other_programs_unless_forced():
    factories.ProgramFactory()
    with pytest.raises(CommandError, match="other programs"):
        _bench("--countries", "3", "--programs", "3", "--moes", "6", "--measurements", "12")
    assert not m.Program.objects.filter(code__startswith="BENCH-").exists()
    _bench("--countries", "3", "--programs", "3", "--moes", "6", "--measurements", "12", "--force")
    assert m.Program.objects.filter(code__startswith="BENCH-").count() == 3
    with pytest.raises(CommandError, match="already holds a benchmark"):
        _bench("--countries", "3", "--programs", "3", "--moes", "6", "--measurements", "12", "--force")


@pytest.mark.parametrize(
    "args, message",
    [
        (("--countries", "0"), "countries must be between 1 and"),
        (("--programs", "0"), "programs must be at least 1"),
        (("--moes", "0", "--measurements", "10"), "measurements need at least one MOE"),
        (("--moes", "-1"), "moes cannot be negative"),
    ],
)
def test_benchmark_generator_rejects_impossible_sizes(args, message):
    with pytest.raises(CommandError, match=message):
        _bench("--programs", "3", "--moes", "6", "--measurements", "12", *args)
    assert not m.Program.objects.exists()

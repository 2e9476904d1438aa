"""Entry points of the two commands: the demo portfolio and the benchmark portfolio."""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

from ..models import Country, Program, User
from ..signals import country_inputs_changed, program_data_changed
from .portfolio import DEMO_SIZE, PortfolioActors, PortfolioError, PortfolioReport, PortfolioSize, portfolio_build
from .users import DemoCredential, demo_users_ensure

DEMO_PREFIX = "DEMO"
BENCHMARK_PREFIX = "BENCH"
DEMO_SEED = 2027
# Apps above ``programs`` that add their own demo data (assessments, evaluations); each
# may provide ``<app>.demo.build_demo_data(seed=...)``. Absent modules are skipped.
DEMO_APPS = ("assessments", "evaluations")
BENCHMARK_USERNAME = "benchmark.generator"


@dataclass
class DemoLoadResult:
    created: bool
    credentials: list[DemoCredential]
    report: PortfolioReport | None = None
    apps_built: list[str] = field(default_factory=list)


def demo_portfolio_exists() -> bool:
    return Program.objects.filter(code__startswith=f"{DEMO_PREFIX}-").exists()


def demo_portfolio_load(
    *, seed: int = DEMO_SEED, progress: Callable[[str], None] | None = None, as_of: dt.date | None = None,
) -> DemoLoadResult:
    """Build the demo portfolio once, its data as of ``as_of`` (default: today, so it
    looks current whenever it is loaded); on later runs only reset the demo users' passwords.

    All in one transaction, so a failure (ours or an app's demo builder) leaves nothing
    half-built and the command can simply be run again.
    """
    with transaction.atomic():
        credentials = demo_users_ensure()
        if demo_portfolio_exists():
            return DemoLoadResult(created=False, credentials=credentials)
        by_username = {c.user.username: c.user.id for c in credentials}
        actors = PortfolioActors(
            manager_id=by_username["manager"],
            analyst_ids_by_agency={"DOS": by_username["analyst.state"], "DOD": by_username["analyst.defense"]},
        )
        report = portfolio_build(size=DEMO_SIZE, seed=seed, code_prefix=DEMO_PREFIX, actors=actors,
                                 progress=progress, as_of=as_of)
        _announce_demo_portfolio()
        apps_built = []
        for app in DEMO_APPS:
            builder = _app_demo_builder(app)
            if builder is not None:
                builder(seed=seed)
                apps_built.append(app)
        return DemoLoadResult(created=True, credentials=credentials, report=report, apps_built=apps_built)


def _announce_demo_portfolio() -> None:
    """Tell the apps above (rollups, selectivity) that these programs and countries changed,
    as the services do: bulk inserts send no signals. Receivers enqueue their recomputes
    on commit, so the dashboards have figures as soon as the demo is loaded."""
    program_ids = list(Program.objects.filter(code__startswith=f"{DEMO_PREFIX}-").values_list("id", flat=True))
    country_ids = sorted(set(Country.objects.filter(programs__id__in=program_ids).values_list("id", flat=True)))
    program_data_changed.send(sender=demo_portfolio_load, program_ids=program_ids)
    country_inputs_changed.send(sender=demo_portfolio_load, country_ids=country_ids)


def _app_demo_builder(app: str) -> Callable | None:
    """``<app>.demo.build_demo_data`` if that module and function exist, else None.
    (find_spec first, so that an ImportError raised inside an existing module is not
    mistaken for an absent one.)"""
    try:
        if importlib.util.find_spec(app) is None or importlib.util.find_spec(f"{app}.demo") is None:
            return None
    except ModuleNotFoundError:
        return None
    module = importlib.import_module(f"{app}.demo")
    builder = getattr(module, "build_demo_data", None)
    return builder if callable(builder) else None


def benchmark_portfolio_generate(
    *, size: PortfolioSize, seed: int, force: bool = False, progress: Callable[[str], None] | None = None
) -> PortfolioReport:
    """Generate a benchmark portfolio (codes ``BENCH-...``).

    Refuses a database that already holds a benchmark portfolio (codes would collide: use
    a fresh database), and one that holds other programs unless ``force``.
    """
    if Program.objects.filter(code__startswith=f"{BENCHMARK_PREFIX}-").exists():
        raise PortfolioError("This database already holds a benchmark portfolio (BENCH- programs); "
                             "generate into a fresh database.")
    others = Program.objects.exclude(code__startswith=f"{BENCHMARK_PREFIX}-").count()
    if others and not force:
        raise PortfolioError(f"This database holds {others} other programs; benchmark data would mix "
                             f"with them. Use a dedicated database, or pass --force.")
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=BENCHMARK_USERNAME, defaults={"is_active": False})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        report = portfolio_build(size=size, seed=seed, code_prefix=BENCHMARK_PREFIX,
                                 actors=PortfolioActors(manager_id=user.id), progress=progress)
    _refresh_planner_statistics()
    return report


def _refresh_planner_statistics() -> None:
    """VACUUM ANALYZE after a bulk load, as autovacuum would do a little later. Without
    statistics PostgreSQL plans with empty-table estimates (a dashboard aggregate over a
    million rows turned into a nested loop that ran for an hour instead of a second);
    without the visibility map a count of a million rows reads the whole table (63 ms
    for the API's count of measurements, 33 ms after). VACUUM cannot run inside a
    transaction; within one (a test), ANALYZE alone."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")

"""The recompute on a real Celery worker, and two overlapping recomputes against one."""
import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from assessments.models import SelectivityScore
from assessments.services import SELECTIVITY_LOCK_SCOPE, selectivity_recompute
from assessments.tasks import selectivity_recompute_task
from infrastructure.locks import try_scope_lock
from programs.models import Country

from tests.factories import assessments as af

AS_OF = dt.date(2026, 11, 25)
SUBSTANCE = [f.attname for f in SelectivityScore._meta.concrete_fields if f.attname not in ("id", "computed_at")]


def _inputs(author, n: int = 12) -> list[Country]:
    af.framework_v1()
    countries = list(Country.objects.order_by("id")[:n])
    for index, country in enumerate(countries):
        Country.objects.filter(pk=country.pk).update(priority_tier=1 + index % 4)
        af.assessment(country=country, author=author, score=1 + index % 5)
        af.rollup(country, index / n)
    return countries


def _substance() -> list[tuple]:
    return list(SelectivityScore.objects.order_by("country_id", "id").values_list(*SUBSTANCE))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_recompute_runs_on_a_real_worker(celery_worker_process, manager):
    # Given committed inputs for three countries
    countries = _inputs(manager, 3)
    ids = [c.id for c in countries]
    # When the task runs on a worker
    added = selectivity_recompute_task.apply_async(kwargs={"country_ids": ids}).get(timeout=60)
    # Then it wrote one row per country, with the components of the inputs
    assert added == 3
    rows = {row.country_id: row for row in SelectivityScore.objects.filter(country_id__in=ids)}
    first = rows[countries[0].id]
    assert (first.priority_component, first.conditions_component, first.effectiveness_component) == (100, 0, 0)
    assert first.score == 40 and first.band == "review" and not first.flag_incomplete
    # And two more runs enqueued together (a full one and a partial one) add nothing
    again = [selectivity_recompute_task.apply_async(), selectivity_recompute_task.apply_async(kwargs={"country_ids": ids})]
    assert [result.get(timeout=60) for result in again] == [0, 0]
    assert SelectivityScore.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_recomputes_leave_exactly_the_rows_of_one(manager):
    # Given committed inputs
    _inputs(manager)
    barrier = threading.Barrier(2)
    outcomes = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(selectivity_recompute(as_of=AS_OF))
        finally:
            connection.close()

    # When two recomputes of all countries start at the same moment
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    concurrent = _substance()
    # Then one wrote the rows and the other wrote nothing (skipped on the lock, or found no change)
    assert sorted(outcomes, key=lambda x: -1 if x is None else x) in ([None, 12], [0, 12])
    # And the rows are exactly those of a single run
    SelectivityScore.objects.all().delete()
    assert selectivity_recompute(as_of=AS_OF) == 12
    assert _substance() == concurrent


@pytest.mark.django_db(transaction=True)
def test_a_recompute_while_another_holds_the_lock_writes_nothing(manager):
    # Given inputs and another run holding the lock (in another connection)
    _inputs(manager, 3)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                assert try_scope_lock(SELECTIVITY_LOCK_SCOPE)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=10)
    try:
        # When a recompute runs meanwhile, it is refused and writes nothing
        assert selectivity_recompute(as_of=AS_OF) is None
        assert not SelectivityScore.objects.exists()
    finally:
        release.set()
        holder.join(timeout=30)
    # Then, once the lock is free, it runs
    assert selectivity_recompute(as_of=AS_OF) == 3

"""A full recompute outside any transaction builds the MOE-period table's parts on two
connections at once, reading one snapshot (infrastructure/table_swap.py): the same rows as
the one-connection build, a build table left by a crash or a failure dropped by the next
rebuild, and writers held off meanwhile as on the one-connection path."""
import threading

import psycopg2
import pytest
from django.db import OperationalError, connection, transaction

from evaluations.models import MoeAchievement
from evaluations.services.rollups import RollupsBusy, rollups_recompute
from evaluations.signals import country_rollups_changed
from programs import models as m
from tests.evaluations.test_rollups_scope import (
    _moe_achievement_rows, _program, assert_a_moe_period_delete_waits,
)
from tests.evaluations.test_rollups_sql import assert_sql_equals_reference, build_portfolio

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="build-and-swap is PostgreSQL's"),
]

BUILD_TABLE = "evaluations_moeachievement__rebuild"


def _writing_transactions() -> int:
    """How many transactions wrote the MOE-period rows now stored (distinct ``xmin``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(DISTINCT xmin::text) FROM evaluations_moeachievement")
        return cursor.fetchone()[0]


def _build_table_rows() -> int | None:
    """Rows of a committed build table left behind; None if there is none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [BUILD_TABLE])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(f"SELECT COUNT(*) FROM {BUILD_TABLE}")
        return cursor.fetchone()[0]


def _other_connection():
    settings_dict = connection.settings_dict
    return psycopg2.connect(dbname=settings_dict["NAME"], user=settings_dict["USER"],
                            host=settings_dict["HOST"], port=settings_dict["PORT"])


def test_the_two_connection_build_gives_the_rows_of_the_one_connection_build():
    # Given a committed portfolio (its MOEs fall in both halves of the MOE ids)
    build_portfolio([_program(i) for i in range(6)])
    # When a full recompute runs outside any transaction
    rollups_recompute()
    # Then its rows were written by two transactions (one part each), equal to the reference
    assert _writing_transactions() == 2
    assert_sql_equals_reference()
    two_connections = _moe_achievement_rows()
    # And inside an enclosing transaction it builds on its own connection: the same rows
    with transaction.atomic():
        rollups_recompute()
    assert _writing_transactions() == 1
    assert _moe_achievement_rows() == two_connections
    assert _build_table_rows() is None


@pytest.mark.parametrize("enclosed", [False, True], ids=["two connections", "one connection"])
def test_a_build_table_left_by_a_crash_is_dropped_by_the_next_rebuild(enclosed):
    # Given a build table a crashed two-connection rebuild left committed, partly filled
    build_portfolio([_program(i) for i in range(3)])
    rollups_recompute()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {BUILD_TABLE} (LIKE evaluations_moeachievement INCLUDING DEFAULTS)")
        cursor.execute(f"INSERT INTO {BUILD_TABLE} SELECT * FROM evaluations_moeachievement LIMIT 2")
    assert _build_table_rows() == 2
    # When the next full recompute runs, on either path
    if enclosed:
        with transaction.atomic():
            rollups_recompute()
    else:
        rollups_recompute()
    # Then the leftover is gone and the table holds exactly the computed rows
    assert _build_table_rows() is None
    assert_sql_equals_reference()


def test_a_failed_part_leaves_the_live_table_as_it_was_and_its_leftover_is_dropped_next_time():
    # Given a recomputed portfolio, and another session holding the measurements locked
    build_portfolio([_program(i) for i in range(4)])
    rollups_recompute()
    stored = _moe_achievement_rows()
    other = _other_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE programs_measurement IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")  # the parts run under the caller's settings
        # When a full recompute runs, its parts cannot read the values: it fails as a whole
        with pytest.raises(OperationalError, match="lock timeout"):
            rollups_recompute()
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    # Then the live table is untouched; the build table, committed empty, is left behind
    assert _moe_achievement_rows() == stored
    assert _build_table_rows() == 0
    # And the next recompute drops it and swaps in its own
    rollups_recompute()
    assert _build_table_rows() is None
    assert _writing_transactions() == 2
    assert_sql_equals_reference()


def test_writers_wait_or_retry_while_a_two_connection_rebuild_is_in_progress():
    # Given a committed portfolio and a full recompute in another thread, held open just
    # before its commit (its two parts built and swapped in, uncommitted)
    build_portfolio([_program(i) for i in range(4)])
    program = m.Program.objects.order_by("id").first()
    moe_id = program.moes.order_by("id").first().id
    rebuilt, release = threading.Event(), threading.Event()

    def hold_before_commit(sender, **kwargs) -> None:
        rebuilt.set()
        release.wait(timeout=30)

    def rebuild() -> None:
        try:
            rollups_recompute()
        finally:
            connection.close()

    country_rollups_changed.connect(hold_before_commit, weak=False, dispatch_uid="hold_before_commit")
    holder = threading.Thread(target=rebuild)
    holder.start()
    try:
        assert rebuilt.wait(timeout=30)
        # When an incremental recompute starts meanwhile, it is refused (its task retries)
        with pytest.raises(RollupsBusy):
            rollups_recompute(program_ids=[program.id])
        # And a delete of MOE-period rows (an ORM cascade) waits
        assert_a_moe_period_delete_waits(moe_id)
    finally:
        release.set()
        holder.join(timeout=30)
        country_rollups_changed.disconnect(dispatch_uid="hold_before_commit")
    # Then the rebuild committed its two parts, equal to the reference, and the delete now
    # applies to the new table
    assert _writing_transactions() == 2
    assert_sql_equals_reference()
    assert MoeAchievement.objects.filter(moe_id=moe_id).delete()[0] > 0

"""A full recompute swaps in a fresh MOE-period table; an incremental recompute touches
only its scope: the same queries and the same rows written at two portfolio sizes."""
import datetime as dt
import threading
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from evaluations.models import MoeAchievement
from evaluations.services.rollups import rollups_recompute
from programs import models as m
from tests.evaluations.test_rollups_sql import assert_sql_equals_reference, build_portfolio

pytestmark = pytest.mark.django_db

SUMMARY_TABLES = (
    "evaluations_moeachievement", "evaluations_programrollup", "evaluations_countryrollup",
    "evaluations_regionrollup", "evaluations_goalrollup",
)


def _program(index: int) -> dict:
    """A running program in Kenya (goal 1.a) with two MOEs, each a target and an approved value."""
    moe = {"direction": "increase", "cumulative": index % 2 == 0, "baseline": D(0), "weight": D(1),
           "archived": False, "targets": {"FY2026-Q1": D(100), "FY2026-Q2": D(100)},
           "measurements": {"FY2026-Q1": (D(40 + index % 50), "approved"), "FY2026-Q2": (D(60), "approved")}}
    return {"status": "active", "archived": False, "countries": {"KEN", "UGA"} if index % 3 else {"KEN"},
            "goals": {"1.a"}, "funding": {2026: D(1000 + index)}, "moes": [moe, dict(moe)]}


def _rows_written() -> dict[str, int]:
    """Rows inserted, updated and deleted per summary table in this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [list(SUMMARY_TABLES)],
        )
        return dict(cursor.fetchall())


def _incremental_recompute_of_one_change(programs: int) -> tuple[int, dict[str, int]]:
    """Given ``programs`` programs sharing countries and goals, recomputed in full, when one
    approved value changes: the queries and rows written by recomputing its program."""
    build_portfolio([_program(i) for i in range(programs)])
    rollups_recompute()
    program = m.Program.objects.order_by("id").first()
    m.Measurement.objects.filter(moe__program=program, period="FY2026-Q1").update(value=D(95))
    before = _rows_written()
    with CaptureQueriesContext(connection) as queries:
        rollups_recompute(program_ids=[program.id])
    after = _rows_written()
    assert_sql_equals_reference()
    return len(queries), {table: after.get(table, 0) - before.get(table, 0) for table in SUMMARY_TABLES}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="per-transaction table statistics are PostgreSQL's")
def test_an_incremental_recompute_costs_the_same_at_two_portfolio_sizes():
    with transaction.atomic():
        small_queries, small_rows = _incremental_recompute_of_one_change(3)
        transaction.set_rollback(True)
    large_queries, large_rows = _incremental_recompute_of_one_change(30)
    assert small_queries == large_queries == 13
    assert small_rows == large_rows
    # The first program's 4 MOE-period rows updated in place (both MOEs' Q1 values changed;
    # the MOEs are cumulative, so their Q2 running totals too); its program rollup; Kenya,
    # Kenya's bureau and command (Africa), goal 1.a and its parent each written twice (old
    # contribution out, new one in, each time with the figure derived from the new sums).
    assert large_rows == {
        "evaluations_moeachievement": 4, "evaluations_programrollup": 1, "evaluations_countryrollup": 2,
        "evaluations_regionrollup": 4, "evaluations_goalrollup": 4,
    }


def test_an_incremental_recompute_writes_only_the_moe_period_rows_that_change():
    """Given a recomputed program, a recompute with nothing changed writes none of its
    MOE-period rows; after changes it inserts, updates and deletes exactly the rows
    concerned, and every figure equals the reference."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite rewrites the scope's rows (delete and insert)")
    # Given a program whose two MOEs (cumulative) each have Q1 and Q2 rows, and a third
    # MOE value approved for Q3 without a target
    build_portfolio([_program(0)])
    program = m.Program.objects.get()
    first, second = m.MeasureOfEffectiveness.objects.filter(program=program).order_by("id")
    m.Measurement.objects.create(moe=first, period="FY2026-Q3", period_end=dt.date(2026, 6, 30), value=D(10),
                                 status="approved")
    rollups_recompute()
    stored = {(r.moe_id, r.period): r.computed_at for r in MoeAchievement.objects.all()}
    assert len(stored) == 5
    # When nothing changed: no MOE-period row written, each keeps the time it was computed
    before = _rows_written()
    rollups_recompute(program_ids=[program.id])
    assert _rows_written().get("evaluations_moeachievement", 0) == before.get("evaluations_moeachievement", 0)
    assert {(r.moe_id, r.period): r.computed_at for r in MoeAchievement.objects.all()} == stored
    # When the second MOE's Q2 value changes, the Q3 value is withdrawn for correction and
    # the second MOE gets a Q3 target
    m.Measurement.objects.filter(moe=second, period="FY2026-Q2").update(value=D(30))
    m.Measurement.objects.filter(moe=first, period="FY2026-Q3").update(status="draft")
    m.Target.objects.create(moe=second, period="FY2026-Q3", period_end=dt.date(2026, 6, 30), value=D(150))
    before = _rows_written()
    rollups_recompute(program_ids=[program.id])
    # Then one row updated (second Q2), one deleted (first Q3, now neither target nor
    # approved value), one inserted (second Q3); the first MOE's Q1 and Q2 rows untouched
    assert _rows_written()["evaluations_moeachievement"] - before["evaluations_moeachievement"] == 3
    assert set(MoeAchievement.objects.values_list("moe_id", "period")) == {
        (first.id, "FY2026-Q1"), (first.id, "FY2026-Q2"),
        (second.id, "FY2026-Q1"), (second.id, "FY2026-Q2"), (second.id, "FY2026-Q3"),
    }
    unchanged = MoeAchievement.objects.filter(moe=first).values_list("period", "computed_at")
    assert dict(unchanged) == {period: stored[(first.id, period)] for period in ("FY2026-Q1", "FY2026-Q2")}
    assert_sql_equals_reference()


def _moe_achievement_structure() -> tuple[int, tuple, dict[str, tuple[str, bool]]]:
    """The MOE-period table's oid; its shape (persistence, columns in order with type, NOT
    NULL and identity, constraint definitions without NOT VALID, indexes); and each
    constraint's kind and whether it is validated."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), contype, convalidated FROM pg_constraint "
            "WHERE conrelid = 'evaluations_moeachievement'::regclass ORDER BY conname"
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'evaluations_moeachievement'::regclass ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull, attidentity FROM pg_attribute "
            "WHERE attrelid = 'evaluations_moeachievement'::regclass AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum"
        )
        columns = cursor.fetchall()
        cursor.execute("SELECT oid, relpersistence FROM pg_class WHERE oid = 'evaluations_moeachievement'::regclass")
        oid, persistence = cursor.fetchone()
    definitions = [(name, definition.removesuffix(" NOT VALID")) for name, definition, _, _ in constraints]
    validated = {name: (kind, is_valid) for name, _, kind, is_valid in constraints}
    return oid, (persistence, columns, definitions, indexes), validated


def test_a_full_recompute_swaps_in_a_fresh_table_with_the_same_structure():
    if connection.vendor != "postgresql":
        pytest.skip("build-and-swap is PostgreSQL's; SQLite rewrites in place")
    build_portfolio([_program(i) for i in range(3)])
    old_oid, old_shape, _ = _moe_achievement_structure()
    rollups_recompute()
    first_oid, first_shape, validated = _moe_achievement_structure()
    rollups_recompute()
    second_oid, second_shape, _ = _moe_achievement_structure()
    assert len({old_oid, first_oid, second_oid}) == 3
    assert first_shape == second_shape == old_shape
    assert first_shape[0] == "p"  # logged: a crash leaves the table as last committed
    # Keyed by (MOE, period), no surrogate id: two indexes to build, no identity sequence.
    _, columns, definitions, indexes = first_shape
    assert [name for name, *_ in columns if name in ("id", "moe_id", "period")] == ["period", "moe_id"]
    assert not any(identity for *_, identity in columns)
    assert ("evaluations_moeachievement_pkey", "PRIMARY KEY (moe_id, period)") in definitions
    assert [name for name, _ in indexes] == ["evaluations_moeachievement_pkey", "evaluations_program_6f3a82_idx"]
    # The foreign keys are added NOT VALID and left unvalidated (the rows come from a join
    # with the referenced tables: evaluations.computations.rollups_sql.moe_achievements_write
    # says why none can point to a missing row); every other constraint is validated.
    foreign_keys = [name for name, (kind, _) in validated.items() if kind == "f"]
    assert len(foreign_keys) == 2
    assert {name: is_valid for name, (_, is_valid) in validated.items()} == {
        name: name not in foreign_keys for name in validated
    }
    assert_sql_equals_reference()
    # The loaded rows do satisfy the foreign keys: validating them now succeeds.
    with connection.cursor() as cursor:
        for name in foreign_keys:
            cursor.execute(f"ALTER TABLE evaluations_moeachievement VALIDATE CONSTRAINT {name}")
    # Every column the swap loaded equals what an incremental recompute computes for each
    # program (so it writes none of them); a row it adds goes into the fresh table.
    swapped = _moe_achievement_rows()
    before = _rows_written()
    rollups_recompute(program_ids=m.Program.objects.values_list("id", flat=True))
    assert _rows_written()["evaluations_moeachievement"] == before["evaluations_moeachievement"]
    assert _moe_achievement_rows() == swapped
    moe = m.MeasureOfEffectiveness.objects.order_by("id").first()
    m.Target.objects.create(moe=moe, period="FY2026-Q3", period_end=dt.date(2026, 6, 30), value=D(100))
    rollups_recompute(program_ids=[moe.program_id])
    assert_sql_equals_reference()
    assert MoeAchievement.objects.filter(moe=moe, period="FY2026-Q3").exists()


def _moe_achievement_rows() -> list[tuple]:
    """Every stored MOE-period row, every column but the time it was computed."""
    fields = [f.attname for f in MoeAchievement._meta.concrete_fields if f.attname != "computed_at"]
    return sorted(MoeAchievement.objects.values_list(*fields))


def test_the_swapped_tables_foreign_keys_still_refuse_a_row_pointing_nowhere():
    if connection.vendor != "postgresql":
        pytest.skip("build-and-swap is PostgreSQL's")
    build_portfolio([_program(0)])
    rollups_recompute()
    program_id = m.Program.objects.get().id
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO evaluations_moeachievement (moe_id, program_id, period, period_end, status, "
            "no_data_reason, is_latest, computed_at) VALUES (-1, %s, 'FY2026-Q1', '2025-12-31', 'no_data', "
            "'', false, now())",
            [program_id],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_full_recompute_after_an_incremental_one_in_the_same_transaction():
    """The incremental one leaves deferred foreign-key checks pending on the live table;
    the swap must still be able to drop it."""
    build_portfolio([_program(i) for i in range(2)])
    rollups_recompute(program_ids=[m.Program.objects.order_by("id").first().id])
    rollups_recompute()
    assert_sql_equals_reference()


def assert_a_moe_period_delete_waits(moe_id: int) -> None:
    """A delete of the MOE's MOE-period rows (an ORM cascade, say) waits on a rebuild in
    progress: here it gives up after 300 ms."""
    with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        MoeAchievement.objects.filter(moe_id=moe_id).delete()


@pytest.mark.django_db(transaction=True)
def test_a_write_to_the_moe_period_table_waits_for_a_rebuild_in_progress():
    """The swap locks the live table SHARE: a write meanwhile (an ORM cascade deleting a
    MOE's rows, say) waits for the commit instead of landing in a table about to be dropped."""
    if connection.vendor != "postgresql":
        pytest.skip("build-and-swap is PostgreSQL's")
    # Given a committed portfolio and a full recompute, uncommitted, in another connection
    build_portfolio([_program(i) for i in range(2)])
    rollups_recompute()
    moe_id = MoeAchievement.objects.values_list("moe_id", flat=True).first()
    rebuilt, release = threading.Event(), threading.Event()

    def rebuild() -> None:
        try:
            with transaction.atomic():
                rollups_recompute()
                rebuilt.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=rebuild)
    holder.start()
    assert rebuilt.wait(timeout=30)
    try:
        # When a delete of the MOE's rows runs meanwhile, it waits
        assert_a_moe_period_delete_waits(moe_id)
    finally:
        release.set()
        holder.join(timeout=30)
    # Then, once the rebuild committed, it applies to the new table
    assert MoeAchievement.objects.filter(moe_id=moe_id).delete()[0] > 0


def test_deleting_a_program_deletes_its_moe_period_rows_by_their_composite_key():
    """The rows are keyed by (MOE, period), with no id: the ORM's cascade still finds them."""
    build_portfolio([_program(i) for i in range(2)])
    rollups_recompute()
    program, other = m.Program.objects.order_by("id")
    assert MoeAchievement.objects.filter(program=program).count() == 4
    program.delete()
    assert not MoeAchievement.objects.filter(program_id=program.id).exists()
    assert MoeAchievement.objects.filter(program=other).count() == 4
    assert MoeAchievement.objects.get(pk=(other.moes.first().id, "FY2026-Q1")).period == "FY2026-Q1"

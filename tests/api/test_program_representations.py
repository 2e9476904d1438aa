"""Each program's stored representation (``api.program_representations``) is current after
every kind of change to what it quotes, whoever writes it: the program's columns, its
funding, its seven linked lists, the reference codes it quotes, deletions, bulk writes,
``TRUNCATE``; and a definition change rebuilds every row.

"Current" is checked against the reference: the page the database writes from the stored
texts equals ``program_rows`` rendered (byte for byte), and the stored rows are exactly
the programs there are."""
import datetime as dt
import threading
import time
from decimal import Decimal

import psycopg2
import pytest
from django.db import connection, transaction

from api.json_renderer import FastJSONRenderer
from api.models import ProgramRepresentation
from api.program_representations import STORE, representations_install
from api.program_rows import COLUMNS, RELATED, program_rows
from api.program_rows_json import program_page_json
from programs.models import Agency, Country, Funding, Goal, ImplementingPartner, Objective, Program, Sector, Strategy

from tests import factories

pytestmark = pytest.mark.django_db


def _assert_current() -> None:
    programs = Program.objects.order_by("pk")
    stored = dict(ProgramRepresentation.objects.values_list("program_id", "body"))
    assert set(stored) == set(programs.values_list("pk", flat=True))
    count, page = program_page_json(programs, offset=0, limit=1000)
    expected = FastJSONRenderer().render(program_rows(programs.values(*COLUMNS)))
    assert page.encode().replace("\u2028".encode(), b"\\u2028") == expected
    assert "[" + ",".join(stored[pk] for pk in sorted(stored)) + "]" == page  # the page is the stored texts


def _body(program: Program) -> str:
    return ProgramRepresentation.objects.get(program_id=program.pk).body


@pytest.fixture
def program():
    program = factories.program_full()
    factories.program_full(code="DOS-2027-0002", countries=("COL",))  # a neighbor that must not change
    _assert_current()
    return program


def _neighbor_body(program: Program) -> str:
    return _body(Program.objects.exclude(pk=program.pk).get())


def test_a_created_program_has_its_representation_at_once():
    program = factories.ProgramFactory(countries=[])
    assert '"countries":[]' in _body(program)
    _assert_current()


def test_program_columns_changed_by_save_by_update_and_by_the_service(program, analyst_a):
    neighbor = _neighbor_body(program)
    program.title = 'New "title"'
    program.save()
    assert '"title":"New \\"title\\""' in _body(program)
    _assert_current()
    Program.objects.filter(pk=program.pk).update(
        status_changed_at=dt.datetime(2026, 5, 6, 7, 8, 9, 120000, tzinfo=dt.timezone.utc), is_surge=True
    )
    assert '"status_changed_at":"2026-05-06T07:08:09.120000Z"' in _body(program)
    _assert_current()
    from programs.services.programs import program_update

    current = Program.objects.get(pk=program.pk)
    program = program_update(user=analyst_a, program=current, data={"description": "Border security work"}, version=current.version,
                             rationale_category="scope_change", rationale="New scope")
    assert '"description":"Border security work"' in _body(program)
    _assert_current()
    assert _neighbor_body(program) == neighbor


def test_a_deleted_program_loses_its_representation(program):
    program.delete()  # cascades to its funding and links
    assert not ProgramRepresentation.objects.filter(program_id=program.pk).exists()
    _assert_current()


def _other(relation: str):
    """A row of the relation's target not linked yet."""
    if relation == "supporting_agencies":
        return Agency.objects.get(code="USAID")
    if relation == "countries":
        return factories.country("COL")
    if relation == "partner_institutions":
        return factories.PartnerInstitutionFactory()
    if relation == "goals":
        return Goal.objects.get(code="2")
    if relation == "objectives":
        strategy = Strategy.objects.create(title="S", scope="country", country=factories.country("KEN"),
                                           start_fy=2026, end_fy=2028)
        return Objective.objects.create(strategy=strategy, code="1", description="Border control")
    if relation == "sectors":
        return Sector.objects.exclude(programs__isnull=False).order_by("dac_code").first()
    return ImplementingPartner.objects.create(name="Zenith Advisory", kind="contractor")


@pytest.mark.parametrize("relation", [relation for relation, *_ in RELATED])
def test_every_linked_list_added_removed_set_cleared_and_bulk_deleted(program, relation):
    neighbor = _neighbor_body(program)
    links = getattr(program, relation)
    added = _other(relation)
    before = _body(program)
    links.add(added)
    assert _body(program) != before
    _assert_current()
    links.remove(added)
    assert _body(program) == before
    _assert_current()
    links.set([added])
    _assert_current()
    links.clear()
    assert f'"{relation}":[]' in _body(program)
    _assert_current()
    links.add(added)
    through = Program._meta.get_field(relation).remote_field.through
    through.objects.filter(program_id=program.pk).delete()  # a bulk delete of the link rows
    assert f'"{relation}":[]' in _body(program)
    _assert_current()
    assert _neighbor_body(program) == neighbor


def test_funding_created_changed_and_deleted(program):
    neighbor = _neighbor_body(program)
    factories.FundingFactory(program=program, fiscal_year=2030, planned=Decimal("1.50"))
    assert '"fiscal_year":2030,"planned":"1.50"' in _body(program)
    _assert_current()
    Funding.objects.filter(program=program, fiscal_year=2030).update(planned=Decimal("2.25"))
    assert '"fiscal_year":2030,"planned":"2.25"' in _body(program)
    _assert_current()
    funding = Funding.objects.get(program=program, fiscal_year=2030)
    funding.disbursed = Decimal("0.01")
    funding.save()
    _assert_current()
    funding.delete()
    assert '"fiscal_year":2030' not in _body(program)
    _assert_current()
    Funding.objects.filter(program=program).delete()
    assert '"funding":[],' in _body(program)
    assert '"total_planned":"0.00"' in _body(program)
    _assert_current()
    assert _neighbor_body(program) == neighbor


def test_a_funding_row_moved_to_another_program_changes_both(program):
    other = Program.objects.exclude(pk=program.pk).get()
    Funding.objects.filter(program=program, fiscal_year=2025).update(program=other, fiscal_year=2031)
    assert '"fiscal_year":2031' in _body(other)
    assert '"fiscal_year":2025' not in _body(program)
    _assert_current()


@pytest.mark.parametrize("model, lookup, column, value, quoted", [
    (Agency, {"code": "DOS"}, "code", "STATE", '"lead_agency_code":"STATE"'),
    (Country, {"iso3": "KEN"}, "iso3", "KNY", '"iso3":"KNY"'),
    (Goal, {"code": "4"}, "code", "4.z", '"code":"4.z"'),
    (Goal, {"code": "4"}, "sort_order", 0, '"goals":[{"id":GOAL_4,"code":"4"}'),
    (Sector, {"dac_code": "15210"}, "dac_code", "99999", '"dac_code":"99999"'),
])
def test_a_quoted_reference_code_renamed_changes_every_program_quoting_it(program, model, lookup, column, value, quoted):
    before = _body(program)
    row = model.objects.get(**lookup)
    quoted = quoted.replace("GOAL_4", str(row.pk))
    if column == "sort_order":  # goal 4 first, before 1.a
        Goal.objects.filter(code="1.a").update(sort_order=5)
        before = _body(program)
    setattr(row, column, value)
    row.save()
    assert _body(program) != before and quoted in _body(program)
    _assert_current()


def test_a_reference_column_the_text_does_not_quote_changes_nothing(program):
    before = _body(program)
    Agency.objects.filter(code="DOS").update(name="Department of State (renamed)")
    Country.objects.filter(iso3="KEN").update(name="Kenya (renamed)")
    assert _body(program) == before
    _assert_current()


def test_a_rolled_back_change_leaves_the_stored_text_as_it_was(program):
    before = _body(program)
    with pytest.raises(RuntimeError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(title="Never committed")
        assert "Never committed" in _body(program)
        raise RuntimeError
    assert _body(program) == before
    _assert_current()


@pytest.mark.parametrize("table", ["programs_funding", "programs_program_goals"])
def test_a_truncated_table_rebuilds_every_representation(program, table):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending deferred foreign-key checks
        cursor.execute(f"TRUNCATE {table}")
    assert '"funding":[]' in _body(program) or '"goals":[]' in _body(program)
    _assert_current()


def test_install_rebuilds_when_the_definition_changed_and_only_then(program):
    assert representations_install() is False  # installed by migrate, definition unchanged
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {STORE} SET body = 'stale'")
        cursor.execute(f"COMMENT ON TABLE {STORE} IS 'an older definition'")
    assert representations_install() is True
    _assert_current()
    assert representations_install() is False


def test_a_program_without_a_stored_text_is_built_on_the_spot(program):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STORE} WHERE program_id = %s", [program.pk])
    count, page = program_page_json(Program.objects.order_by("pk"), offset=0, limit=10)
    expected = FastJSONRenderer().render(program_rows(Program.objects.order_by("pk")))
    assert page.encode().replace("\u2028".encode(), b"\\u2028") == expected


def _other_session():
    db = connection.settings_dict
    return psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])


def _while_a_transaction_holds(holding_sql: list[tuple[str, list]], concurrent_sql: tuple[str, list]) -> None:
    """Session 1 runs ``holding_sql`` in an open transaction; meanwhile session 2 runs
    ``concurrent_sql`` (autocommit) in a thread; then session 1 commits and session 2 ends."""
    first, second = _other_session(), _other_session()
    second.autocommit = True
    try:
        with first.cursor() as cursor:
            for sql, params in holding_sql:
                cursor.execute(sql, params)
        worker = threading.Thread(target=lambda: second.cursor().execute(*concurrent_sql))
        worker.start()
        time.sleep(0.5)  # session 2 runs its statement against session 1's open transaction
        first.commit()
        worker.join(timeout=30)
        assert not worker.is_alive()
    finally:
        first.close()
        second.close()


@pytest.mark.django_db(transaction=True)
def test_two_sessions_changing_one_program_leave_its_text_with_both_changes():
    program = factories.program_full()
    _while_a_transaction_holds(
        [("UPDATE programs_funding SET planned = 7.77 WHERE program_id = %s AND fiscal_year = 2025", [program.pk])],
        ("UPDATE programs_program SET title = 'Concurrent title' WHERE id = %s", [program.pk]),
    )
    assert '"planned":"7.77"' in _body(program) and "Concurrent title" in _body(program)
    _assert_current()


@pytest.mark.django_db(transaction=True)
def test_a_reference_change_and_a_new_link_to_it_in_two_sessions_both_reach_the_text():
    """Goal sort order is no unique key: without the reference lock the rename would not
    see the uncommitted link, and the link's rebuild would read the old order."""
    program = factories.program_full()  # goals 1.a and 4
    goal = Goal.objects.get(code="2")
    Goal.objects.filter(code__in=["1.a", "2", "4"]).update(sort_order=1)
    _while_a_transaction_holds(
        [("INSERT INTO programs_program_goals (program_id, goal_id) VALUES (%s, %s)", [program.pk, goal.pk])],
        ("UPDATE programs_goal SET sort_order = 9 WHERE id = %s", [goal.pk]),
    )
    assert _body(program).index('"code":"4"') < _body(program).index('"code":"2"')
    _assert_current()

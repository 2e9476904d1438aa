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
from api.program_representations import FEW_PROGRAMS, STORE, representations_install
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


# --- Statements touching many programs at once: the triggers are statement-level, each
# rebuilds every program its statement touched (transition tables), in one set-based pass.

def _through_model(relation: str):
    return Program._meta.get_field(relation).remote_field.through


def _unlinked(relation: str, target: str, count: int) -> list:
    """``count`` rows of the relation's target that no program links yet."""
    through = _through_model(relation)
    model = through._meta.get_field(target).related_model
    if relation == "partner_institutions":
        return [factories.PartnerInstitutionFactory() for _ in range(count)]
    if relation == "objectives":
        strategy = Strategy.objects.create(title="S", scope="country", country=factories.country("KEN"), start_fy=2026, end_fy=2028)
        return [Objective.objects.create(strategy=strategy, code=str(number), description=f"Objective {number}")
                for number in range(1, count + 1)]
    if relation == "implementing_partners":
        return [ImplementingPartner.objects.create(name=f"Partner {number}", kind="contractor") for number in range(count)]
    rows = list(model.objects.exclude(pk__in=through.objects.values(f"{target}_id")).order_by("pk")[:count])
    assert len(rows) == count
    return rows


@pytest.fixture
def programs() -> tuple[list[Program], Program]:
    """Three full programs a statement will touch, and a bystander it must not."""
    touched = [
        factories.program_full(code=f"DOS-2027-010{number}", agency=agency, countries=countries)
        for number, (agency, countries) in enumerate([("DOS", ("KEN", "UGA")), ("DOJ", ("UGA",)), ("DOS", ("KEN",))])
    ]
    bystander = factories.program_full(code="DOS-2027-0200", countries=("TZA",))
    _assert_current()
    return touched, bystander


def _dos_programs_created(codes: list[str]) -> list[Program]:
    """New programs of the DOS agency with these codes, in one INSERT (``bulk_create``:
    no save signals, so only the database's own triggers keep their representations)."""
    dos = Agency.objects.get(code="DOS")
    return Program.objects.bulk_create([factories.ProgramFactory.build(code=code, lead_agency=dos) for code in codes])


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def test_one_update_of_many_programs(programs):
    touched, bystander = programs
    before = {program.pk: _body(program) for program in touched}
    kept = _body(bystander)
    ids = [program.pk for program in touched]
    assert _execute("UPDATE programs_program SET title = title || ' (revised)', is_surge = NOT is_surge, "
                    "version = version + 1 WHERE id = ANY(%s)", [ids]) == 3
    for program in touched:
        assert _body(program) != before[program.pk] and ' (revised)"' in _body(program)
    assert _body(bystander) == kept
    _assert_current()
    Program.objects.update(description="One description for all")  # every program, one statement
    _assert_current()


def test_many_programs_created_and_deleted_in_one_statement_each(programs):
    touched, bystander = programs
    kept = _body(bystander)
    created = _dos_programs_created([f"DOS-2027-030{number}" for number in range(3)])
    assert all('"countries":[]' in _body(program) for program in created)
    _assert_current()
    Program.objects.filter(pk__in=[program.pk for program in [*touched, *created]]).delete()  # cascades, set-based
    assert list(ProgramRepresentation.objects.values_list("program_id", flat=True)) == [bystander.pk]
    assert _body(bystander) == kept
    _assert_current()


@pytest.mark.parametrize("relation, target", [(relation, target) for relation, target, *_ in RELATED])
def test_many_links_of_many_programs_inserted_moved_and_deleted_in_one_statement_each(programs, relation, target):
    touched, bystander = programs
    kept = _body(bystander)
    table = _through_model(relation)._meta.db_table
    ids = [program.pk for program in touched]
    first, second = _unlinked(relation, target, 2)
    bodies = {program.pk: _body(program) for program in touched}
    # INSERT ... SELECT: one link to ``first`` for every touched program
    assert _execute(f"INSERT INTO {table} (program_id, {target}_id) SELECT id, %s FROM programs_program WHERE id = ANY(%s)",
                    [first.pk, ids]) == 3
    assert all(_body(program) != bodies[program.pk] for program in touched)
    assert _body(bystander) == kept
    _assert_current()
    # UPDATE: every such link moved to ``second``
    linked = {program.pk: _body(program) for program in touched}
    assert _execute(f"UPDATE {table} SET {target}_id = %s WHERE {target}_id = %s", [second.pk, first.pk]) == 3
    assert all(_body(program) != linked[program.pk] for program in touched)
    _assert_current()
    # DELETE: every link of the touched programs, in one statement
    assert _execute(f"DELETE FROM {table} WHERE program_id = ANY(%s)", [ids]) >= 3
    assert all(f'"{relation}":[]' in _body(program) for program in touched)
    assert _body(bystander) == kept
    _assert_current()


def test_many_funding_rows_inserted_changed_and_deleted_in_one_statement_each(programs):
    touched, bystander = programs
    kept = _body(bystander)
    ids = [program.pk for program in touched]
    assert _execute(
        "INSERT INTO programs_funding (program_id, fiscal_year, planned, obligated, disbursed, version, created_at, updated_at) "
        "SELECT id, 2031, 1000.10, 500.05, 0, 1, now(), now() FROM programs_program WHERE id = ANY(%s)", [ids]) == 3
    assert all('"fiscal_year":2031,"planned":"1000.10"' in _body(program) for program in touched)
    assert _body(bystander) == kept
    _assert_current()
    assert _execute("UPDATE programs_funding SET planned = planned + 0.01, version = version + 1 "
                    "WHERE program_id = ANY(%s)", [ids]) == 9
    assert all('"fiscal_year":2031,"planned":"1000.11"' in _body(program) for program in touched)
    _assert_current()
    # every touched program's FY2031 row moved to the bystander (as FY2032-FY2034): both sides change
    assert _execute(
        "UPDATE programs_funding f SET program_id = %s, fiscal_year = 2031 + moved.n "
        "FROM unnest(%s::bigint[]) WITH ORDINALITY AS moved(program_id, n) "
        "WHERE f.program_id = moved.program_id AND f.fiscal_year = 2031", [bystander.pk, ids]) == 3
    assert all('"fiscal_year":2031' not in _body(program) for program in touched)
    assert all(f'"fiscal_year":{year},"planned":"1000.11"' in _body(bystander) for year in (2032, 2033, 2034))
    _assert_current()
    assert _execute("DELETE FROM programs_funding WHERE program_id = ANY(%s) AND fiscal_year IN (2025, 2032, 2033, 2034)",
                    [[*ids, bystander.pk]]) == 7
    assert all('"fiscal_year":2025' not in _body(program) for program in [*touched, bystander])
    assert _body(bystander) != kept and '"fiscal_year":2026' in _body(bystander)
    _assert_current()


@pytest.mark.parametrize("table, column, new, where", [
    ("programs_agency", "code", "code || '-X'", "code IN ('DOS', 'DOJ')"),
    ("programs_country", "iso3", "lower(iso3)", "iso3 IN ('KEN', 'UGA', 'TZA')"),
    ("programs_goal", "code", "code || '.z'", "code IN ('1.a', '4')"),
    ("programs_goal", "sort_order", "100 - sort_order", "code IN ('1.a', '4')"),
    ("programs_sector", "dac_code", "'9' || substr(dac_code, 2)", "dac_code IN ('15210', '15130')"),
])
def test_one_update_of_many_quoted_reference_rows(programs, table, column, new, where):
    touched, bystander = programs
    before = {program.pk: _body(program) for program in [*touched, bystander]}
    assert _execute(f"UPDATE {table} SET {column} = {new} WHERE {where}", []) >= 2
    assert any(_body(program) != before[program.pk] for program in [*touched, bystander])
    _assert_current()


def test_a_statement_touching_more_than_a_few_programs_rebuilds_them_all(programs):
    """Past FEW_PROGRAMS the rebuild runs from plans made for the statement's ids."""
    touched, bystander = programs
    kept = _body(bystander)
    created = _dos_programs_created([f"DOS-2027-{1000 + number}" for number in range(FEW_PROGRAMS + 1)])
    _assert_current()
    ids = [program.pk for program in [*touched, *created]]
    assert _execute("INSERT INTO programs_program_countries (program_id, country_id) SELECT id, %s FROM programs_program "
                    "WHERE id = ANY(%s) ON CONFLICT DO NOTHING", [factories.country("COL").pk, ids]) == len(ids)
    assert all('"iso3":"COL"' in _body(program) for program in created)
    _assert_current()
    assert _execute(
        "INSERT INTO programs_funding (program_id, fiscal_year, planned, obligated, disbursed, version, created_at, updated_at) "
        "SELECT id, 2031, 10, 5, 0, 1, now(), now() FROM programs_program WHERE id = ANY(%s)", [ids]) == len(ids)
    assert _execute("UPDATE programs_program SET title = title || ' (revised)' WHERE id = ANY(%s)", [ids]) == len(ids)
    assert all(' (revised)"' in _body(program) and '"fiscal_year":2031' in _body(program) for program in created)
    assert _body(bystander) == kept
    _assert_current()

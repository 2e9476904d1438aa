"""The program list renders with orjson: the same bytes DRF's JSONRenderer writes for the
representation ``api.serializers.programs.ProgramSerializer`` documents."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from api.json_renderer import FastJSONRenderer
from api.program_rows import COLUMNS, program_rows
from api.program_rows_json import program_page_json
from api.serializers.programs import ProgramSerializer
from programs.models import Funding, Objective, Program, Strategy

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_fast_renderer_writes_the_bytes_drf_writes():
    data = {
        "when": dt.datetime(2026, 11, 30, 12, 0, 0, 123456, tzinfo=dt.timezone.utc),
        "day": dt.date(2026, 11, 30),
        "amount": Decimal("1.10"),
        "text": gettext_lazy("Programs"),
        "separators": "a\u2028b\u2029c",
        "unicode": 'Straße «x» "quoted" </script>',
        1: [None, True, 1.5, -2, 10**15],
    }
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)
    assert FastJSONRenderer().render(data, "application/json; indent=2") == JSONRenderer().render(
        data, "application/json; indent=2"
    )


def test_the_program_list_is_the_documented_representation_byte_for_byte(token_client, analyst_a):
    factories.program_full(title="Straße \u2028 «coast guard»", description='line\nnext "quoted"')
    factories.program_full(code="DOS-2027-0002", countries=("COL",))
    body = token_client(analyst_a).get("/api/v1/programs/?page_size=10").content
    rows = program_rows(Program.objects.filter(archived_at__isnull=True).order_by("code", "pk"))
    documented = ProgramSerializer(rows, many=True).data
    assert body == JSONRenderer().render({"count": 2, "next": None, "previous": None, "results": documented})


def _escaped(text: str) -> bytes:
    """The renderer's last step: U+2028 escaped (the database leaves it to the renderer)."""
    return text.encode().replace("\u2028".encode(), b"\\u2028")


def test_the_database_writes_the_page_json_the_reference_rows_render_to():
    """``program_page_json`` (PostgreSQL) against ``program_rows`` rendered: same bytes for
    every shape a row takes (no funding, nulls, exact seconds and microseconds, text that
    needs escaping, several related rows in their order), in the queryset's order."""
    full = factories.program_full(
        title='Tab\there, "quotes", back\\slash, \x01 control, \u2028 separator, Ελλάδα',
        description="line\nnext\r\n</script>",
        countries=("UGA", "COL", "KEN"),
        status_changed_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        archived_at=dt.datetime(2026, 2, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc),
    )
    strategy = Strategy.objects.create(
        title="Kenya strategy", scope="country", country=factories.country("KEN"), start_fy=2026, end_fy=2028
    )
    full.long_term_objective = Objective.objects.create(strategy=strategy, code="1", description="Border control")
    full.save(update_fields=["long_term_objective"])
    factories.FundingFactory(program=full, fiscal_year=2027, planned=Decimal("0.10"), obligated=Decimal("12345678901.99"),
                             disbursed=Decimal("0"))
    bare = factories.ProgramFactory(countries=[], funding_authority="FAA 481", is_surge=True)
    programs = Program.objects.filter(pk__in=[bare.pk, full.pk]).order_by("-pk")  # not the id order
    expected = FastJSONRenderer().render(program_rows(programs))
    count, page = program_page_json(programs, offset=0, limit=10)
    assert (count, _escaped(page)) == (2, expected)
    # The timestamps do not depend on the session's date style.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL datestyle = 'SQL, DMY'")
    assert _escaped(program_page_json(programs, offset=0, limit=10)[1]) == expected


def test_one_statement_reads_the_count_and_the_page_of_a_filtered_ordered_queryset(django_assert_num_queries):
    """The count is the filtered queryset's; the page is its slice, in its order, also
    when the order is by a related column or by the funding totals (annotations)."""
    from programs.selectors.programs import program_queryset

    for obligated, (code, agency) in enumerate((("DOS-2026-0003", "DOS"), ("DOD-2026-0001", "DOD"),
                                               ("DOS-2026-0001", "DOS"), ("USAID-2026-0002", "USAID"),
                                               ("DOS-2026-0002", "DOS"))):
        program = factories.program_full(code=code, agency=agency)
        Funding.objects.filter(program=program, fiscal_year=2026).update(obligated=Decimal(obligated % 3), disbursed=0)
    factories.program_full(code="DOS-2026-0009", archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    orderings = [
        Program.objects.filter(archived_at__isnull=True).order_by("code", "pk"),
        Program.objects.filter(archived_at__isnull=True, lead_agency__code="DOS").order_by("-code", "pk"),
        Program.objects.filter(archived_at__isnull=True).order_by("lead_agency__code", "-code", "pk"),
        program_queryset().filter(archived_at__isnull=True).order_by("-total_obligated", "pk"),
    ]
    for programs in orderings:
        everything = list(programs)
        for offset, limit in ((0, 2), (2, 2), (4, 2), (5, 10)):
            with django_assert_num_queries(1):
                count, page = program_page_json(programs, offset=offset, limit=limit)
            assert count == len(everything)
            assert _escaped(page) == FastJSONRenderer().render(program_rows(programs.values(*COLUMNS)[offset:offset + limit]))
    with django_assert_num_queries(0):
        assert program_page_json(Program.objects.none().order_by("pk"), offset=0, limit=5) == (0, "[]")
    assert program_page_json(programs, offset=100, limit=5)[1] == "[]"


def test_the_measurement_list_is_the_documented_representation_byte_for_byte(token_client, analyst_a, manager):
    """``api.measurement_rows`` against ``MeasurementSerializer`` rendered by DRF, for every
    shape a row takes: a breakdown (complete, partial, mismatched, none), users or none,
    dates or none, decimals of every length, text that needs escaping."""
    from api.views.measures import _measurement_queryset
    from api.serializers.measures import MeasurementSerializer
    from programs.models import DisaggregationCategory, Measurement, MeasurementDisaggregation

    moe = factories.MoeFactory(allows_negative=True)
    female = DisaggregationCategory.objects.create(moe=moe, dimension="sex", name="female")
    male = DisaggregationCategory.objects.create(moe=moe, dimension="sex", name="Ma\u2028le «x»")
    complete = factories.MeasurementFactory(
        moe=moe, period="FY2026-Q1", value=Decimal("10.5"), source='said "so"\n</script>', entered_by=analyst_a,
        approved_by=manager, approved_at=dt.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=dt.timezone.utc),
        collected_on=dt.date(2026, 1, 2), evidence_url="https://example.gov/a?b=c",
    )
    partial = factories.MeasurementFactory(moe=moe, period="FY2026-Q2", value=Decimal("10.25"),
                                           breakdown_partial=True, status="draft")
    mismatch = factories.MeasurementFactory(moe=moe, period="FY2026-Q3", value=Decimal("12345678901234.0001"),
                                            status="returned", return_reason="check the source")
    factories.MeasurementFactory(moe=factories.MoeFactory(allows_negative=True), period="FY2027-Q4",
                                 value=Decimal("-3.1234"))
    for measurement, values in ((complete, (Decimal("4"), Decimal("6.5"))), (partial, (Decimal("4"), None)),
                                (mismatch, (Decimal("1"), Decimal("2")))):
        for category, value in zip((male, female), values):
            if value is not None:
                MeasurementDisaggregation.objects.create(measurement=measurement, category=category, value=value)
    body = token_client(analyst_a).get("/api/v1/measurements/?page_size=10").content
    documented = MeasurementSerializer(_measurement_queryset().order_by("moe_id", "period_end", "pk"), many=True).data
    assert {row["breakdown_status"] for row in documented} == {"complete", "partial", "mismatch", "none"}
    assert body == JSONRenderer().render({"count": 4, "next": None, "previous": None, "results": documented})
    assert Measurement.objects.count() == 4

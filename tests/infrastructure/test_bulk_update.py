"""rows_update writes what Django's bulk_update writes (numbers, text with quotes, foreign
keys set and cleared, timestamps, NULLs), in one statement however many rows."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from infrastructure.bulk_update import rows_update
from programs.models import Measurement, MeasurementStatus
from tests import factories

pytestmark = pytest.mark.django_db

FIELDS = ["value", "source", "status", "approved_by", "approved_at", "return_reason", "version"]


def _values(n: int, approver) -> list[Measurement]:
    moe = factories.MoeFactory()
    rows = [factories.MeasurementFactory(moe=moe, period=f"FY{2020 + i // 4}-Q{i % 4 + 1}", value=Decimal(i))
            for i in range(n)]
    when = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
    for i, m in enumerate(rows):
        m.value = Decimal(f"{i}.25")
        m.source = f"Ministry's report no. {i}"  # a quote inside the text
        m.status = MeasurementStatus.APPROVED if i % 2 else MeasurementStatus.RETURNED
        m.approved_by, m.approved_at = (approver, when) if i % 2 else (None, None)
        m.return_reason = "" if i % 2 else "Check the figure"
        m.version += 1
    return rows


def _stored(rows) -> list[tuple]:
    return list(Measurement.objects.filter(pk__in=[m.pk for m in rows]).order_by("pk").values_list(
        "value", "source", "status", "approved_by_id", "approved_at", "return_reason", "version"))


@pytest.mark.parametrize("n", [3, 30])
def test_rows_update_writes_what_bulk_update_writes_in_one_statement(manager, n):
    ours, django = _values(n, manager), _values(n, manager)
    with CaptureQueriesContext(connection) as queries:
        assert rows_update(Measurement, ours, FIELDS) == n
    Measurement.objects.bulk_update(django, FIELDS)

    assert len(queries) == 1
    assert _stored(ours) == _stored(django)
    assert _stored(ours) == [(m.value, m.source, m.status, m.approved_by_id, m.approved_at, m.return_reason, m.version)
                             for m in ours]


def test_rows_update_of_nothing_runs_no_statement():
    with CaptureQueriesContext(connection) as queries:
        assert rows_update(Measurement, [], FIELDS) == 0
    assert len(queries) == 0

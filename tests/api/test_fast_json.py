"""The program list renders with orjson: the same bytes DRF's JSONRenderer writes for the
representation ``api.serializers.programs.ProgramSerializer`` documents."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from api.json_renderer import FastJSONRenderer
from api.program_rows import program_rows
from api.serializers.programs import ProgramSerializer
from programs.models import Program

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

"""The long Schemathesis run: many more generated requests per operation than CI's
tests/api/test_schemathesis.py, the coverage phase (every boundary of every parameter)
switched on, and two callers: an administrator's write token (past every permission check)
and an analyst's write token (agency scoping, 403s in the error shape).

Skipped unless asked for (it takes tens of minutes on a 2-core machine):

    SSA_SLOW_TESTS=1 SSA_SCHEMATHESIS_EXAMPLES=200 DATABASE_URL=... REDIS_URL=... \
        .venv/bin/python -m pytest -q tests/security/test_api_schemathesis_slow.py

No response may be a server error or contradict the schema.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

from tests.api.schemathesis_support import api_schema, seeded_write_token

pytestmark = pytest.mark.skipif(not os.environ.get("SSA_SLOW_TESTS"), reason="slow: set SSA_SLOW_TESTS=1")

EXAMPLES = int(os.environ.get("SSA_SCHEMATHESIS_EXAMPLES", "200"))

schema = api_schema(coverage=True)


@pytest.fixture(params=["administrator", "analyst_a"])
def api_token(request, db, settings):
    return seeded_write_token(request.getfixturevalue(request.param), settings, "schemathesis (long run)")


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_long_run(case, api_token, wsgi_keeps_test_connection):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"})

"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

Every operation gets a bounded number of generated requests, in process through Django's
WSGI application, authenticated with a write-granted token of an administrator (so that
writes are exercised past the permission check), over linked data whose rows the valid
requests name (tests/api/schemathesis_support.py). Every Schemathesis check applies: no
server error, status code, content type, headers and body as documented, every request
the schema allows accepted (404 and 409 aside: the record's state), every request it
forbids refused.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

from .schemathesis_support import api_schema, seeded_write_token

EXAMPLES_PER_OPERATION = 30

# Bounded run (about 90 s on a quiet 2-core machine, 5 minutes under a load of 7): generated examples only. The
# "coverage" phase is switched off here; run it with `API_SCHEMATHESIS_COVERAGE=1` or
# use the long run (README, "Longer runs").
schema = api_schema(coverage=bool(os.environ.get("API_SCHEMATHESIS_COVERAGE")))


@pytest.fixture
def api_token(db, administrator, settings):
    return seeded_write_token(administrator, settings, "schemathesis")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, api_token, wsgi_keeps_test_connection):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"})

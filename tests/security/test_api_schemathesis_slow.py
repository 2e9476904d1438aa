"""The long Schemathesis run: many more generated requests per operation than CI's
tests/api/test_schemathesis.py, the coverage phase (every boundary of every parameter)
switched on, and two callers: an administrator's write token (past every permission check)
and an analyst's write token (agency scoping, 403s in the error shape).

Skipped unless asked for (it takes tens of minutes on a 2-core machine):

    SSA_SLOW_TESTS=1 SSA_SCHEMATHESIS_EXAMPLES=200 DATABASE_URL=... REDIS_URL=... \
        .venv/bin/python -m pytest -q tests/security/test_api_schemathesis_slow.py

No response may be a server error or contradict the schema.
"""
import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import api_token_issue
from tests import factories
from tests.api import api_factories

pytestmark = pytest.mark.skipif(not os.environ.get("SSA_SLOW_TESTS"), reason="slow: set SSA_SLOW_TESTS=1")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("SSA_SCHEMATHESIS_EXAMPLES", "200"))


@pytest.fixture(params=["administrator", "analyst_a"])
def api_token(request, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_read": "1000000/minute", "api_write": "1000000/minute"},
    }
    user = request.getfixturevalue(request.param)
    program = api_factories.program_full()
    api_factories.review(program)
    api_factories.crisis()
    factories.MoeFactory(program=program)
    _, token = api_token_issue(user=user, label="schemathesis (long run)", can_write=True)
    return token


@pytest.fixture
def wsgi_keeps_test_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _openapi_document() -> dict:
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_openapi_document())
schema.app = get_wsgi_application()
schema.config.phases.coverage.enabled = True


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_long_run(case, api_token, wsgi_keeps_test_connection):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)

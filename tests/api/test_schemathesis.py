"""Property-based tests of the whole API against its own OpenAPI schema (Schemathesis).

Every operation gets a bounded number of generated requests, in process through Django's
WSGI application, authenticated with a write-granted token of an administrator (so that
writes are exercised past the permission check). No response may be a server error or
contradict the schema (status code, content type, body).
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

from . import api_factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def api_token(db, administrator, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_read": "100000/minute", "api_write": "100000/minute"},
    }
    # some data so that ids in paths and filters sometimes hit real rows
    program = api_factories.program_full()
    api_factories.review(program)
    api_factories.crisis()
    factories.MoeFactory(program=program)
    _, token = api_token_issue(user=administrator, label="schemathesis", can_write=True)
    return token


@pytest.fixture
def wsgi_keeps_test_connection():
    """Like django.test.Client: keep the test's connection (and transaction) open across
    requests instead of closing it at the end of each one."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _openapi_document() -> dict:
    """The schema the API serves at /api/v1/schema/, generated in process (no database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_openapi_document())
schema.app = get_wsgi_application()
# Bounded run (about two minutes on a quiet machine): generated examples only. The
# "coverage" phase (every boundary of every parameter, hundreds of requests per
# operation) is switched off here; run it with `API_SCHEMATHESIS_COVERAGE=1`.
schema.config.phases.coverage.enabled = bool(os.environ.get("API_SCHEMATHESIS_COVERAGE"))


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, api_token, wsgi_keeps_test_connection):
    case.call_and_validate(headers={"Authorization": f"Token {api_token}"}, checks=CHECKS)

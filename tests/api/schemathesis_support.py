"""What both Schemathesis runs share: the checks, the schema the API serves, the seeded
data with a write token (the fixture keeping the test's transaction open across WSGI
requests, ``wsgi_keeps_test_connection``, is in tests/conftest.py).

tests/api/test_schemathesis.py is the bounded run in CI; the long run with the coverage
phase and two callers is tests/security/test_api_schemathesis_slow.py.
"""
from __future__ import annotations

import json

import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tokens import api_token_issue
from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
UNTHROTTLED = {"api_read": "1000000/minute", "api_write": "1000000/minute"}


def api_schema(*, coverage: bool):
    """The schema the API serves at /api/v1/schema/ (generated in process), called through
    Django's WSGI application. ``coverage`` switches on the phase that tries every
    boundary of every parameter (hundreds of requests per operation)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    schema.config.phases.coverage.enabled = coverage
    return schema


def seeded_write_token(user, settings, label: str) -> str:
    """Unthrottle the API, create data that ids in paths and filters sometimes hit, and
    issue ``user`` a write token."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNTHROTTLED}
    program = factories.program_full()
    factories.review(program)
    factories.crisis()
    factories.MoeFactory(program=program)
    _, token = api_token_issue(user=user, label=label, can_write=True)
    return token

"""Every write path as every role, generated from the table in docs/access-control.md.

For each (row, role) cell: build fresh records, send the row's request with a valid body as
that role, then check the status the cell names and whether anything was written. "Written"
is measured on the whole database of the portal's apps (a digest of every row of every
table, history tables included), so a refused request that still saved something fails.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from api.tokens import api_token_issue
from tests.security.access_requests import REQUESTS, world_build
from tests.security.signin import sign_in

pytestmark = pytest.mark.django_db

MATRIX = Path(__file__).resolve().parents[2] / "docs" / "access-control.md"
ROLES = ["anonymous", "analyst (own)", "analyst (other)", "manager", "administrator", "read token", "write token",
         "oidc analyst (own)", "oidc manager"]
OUR_APPS = ("programs", "assessments", "evaluations", "allocation", "dashboards", "api", "auth")
# Rows that change as a side effect of signing in or of using a token, not of the request.
VOLATILE = {"programs_user", "knox_authtoken"}
# Columns that change so, in tables whose other columns are compared (a token's last use).
VOLATILE_COLUMNS = {"api_tokengrant": "last_used_at"}


def matrix_rows() -> list[dict]:
    text = MATRIX.read_text()
    table = text.split("<!-- access-matrix:start -->")[1].split("<!-- access-matrix:end -->")[0]
    lines = [line for line in table.strip().splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[2:] == ROLES, header
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        method, path = cells[1].split(" ", 1)
        rows.append({"action": cells[0], "method": method, "path": path, **dict(zip(ROLES, cells[2:]))})
    return rows


ROWS = matrix_rows()
CASES = [pytest.param(row, role, id=f"{row['action']}-{role.replace(' ', '_')}") for row in ROWS for role in ROLES]


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in OUR_APPS and not model._meta.proxy and model._meta.managed
    )


def database_digest() -> dict[str, str]:
    """One digest per table: every row's text for ordinary tables (less its volatile
    column, if any), the count for volatile ones."""
    parts = []
    for table in _tables():
        quoted = connection.ops.quote_name(table)
        if table in VOLATILE:
            parts.append(f"SELECT '{table}', COUNT(*)::text FROM {quoted}")
        elif table in VOLATILE_COLUMNS:
            row = f"(to_jsonb(t) - '{VOLATILE_COLUMNS[table]}')::text"
            parts.append(f"SELECT '{table}', md5(COALESCE(string_agg({row}, '|' ORDER BY {row}), '')) FROM {quoted} t")
        else:
            parts.append(f"SELECT '{table}', md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quoted} t")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def client_for(role: str, users: dict) -> Client:
    client = Client()
    if role in ("read token", "write token"):
        _, key = api_token_issue(user=users["analyst (own)"], label="access matrix", can_write=role == "write token")
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {key}"
    elif role != "anonymous":
        sign_in(client, users[role])
    return client


def send(client: Client, method: str, path: str, body: dict):
    if "json" in body:
        return client.generic(method, path, json.dumps(body["json"]), content_type="application/json")
    assert method == "POST", "page writes are POSTs"
    return client.post(path, body["data"])


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """Users and records built once, committed, for the whole module: each case runs in its
    own transaction, rolled back, so every case starts from the same records. The module
    ends by emptying the database and reloading reference data (as transactional tests do)."""
    from django.core.management import call_command

    from programs.permissions import ADMINISTRATOR
    from tests import factories
    from tests.conftest import _ensure_reference_data

    with django_db_blocker.unblock():
        _ensure_reference_data()
        users = {
            "analyst (own)": factories.AnalystFactory(username="matrix_analyst_a", agency=factories.agency("DOS")),
            "analyst (other)": factories.AnalystFactory(username="matrix_analyst_b", agency=factories.agency("DOD")),
            "manager": factories.ManagerFactory(username="matrix_manager"),
            "administrator": factories.UserFactory(username="matrix_admin", role=ADMINISTRATOR,
                                                  is_staff=True, is_superuser=True),
        }
        users.update(oidc_users())
        world = world_build(analyst_a=users["analyst (own)"])
    yield users, world
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        _ensure_reference_data()


def oidc_users() -> dict:
    """An analyst of DOS and a manager made just in time from an identity provider's
    claims, by the service a real sign-in goes through."""
    from identity.models import GroupRoleMapping
    from identity.providers import Provider
    from identity.services import provider_sign_in
    from programs.permissions import ANALYST, MANAGER

    provider = Provider(key="matrix", name="Matrix IdP", issuer="https://idp.matrix.example", client_id="portal",
                        client_secret="unused", agency_domains={"state.example.gov": "DOS"})
    GroupRoleMapping.objects.create(provider="matrix", group="ssa-analysts", role=ANALYST)
    GroupRoleMapping.objects.create(provider="matrix", group="ssa-managers", role=MANAGER)
    return {
        "oidc analyst (own)": provider_sign_in(provider=provider, claims={
            "sub": "analyst-1", "email": "oidc.analyst@state.example.gov", "groups": ["ssa-analysts"]}),
        "oidc manager": provider_sign_in(provider=provider, claims={
            "sub": "manager-1", "email": "oidc.manager@state.example.gov", "groups": ["ssa-managers"]}),
    }


def test_every_row_has_a_request_and_every_request_a_row():
    assert sorted(row["action"] for row in ROWS) == sorted(REQUESTS)
    assert all(row[role] in {"yes", "login", "400", "401", "403", "404", "no"} for row in ROWS for role in ROLES)


def test_the_table_covers_every_write_route():
    """Every URL pattern that accepts writes appears in the table (by its path shape)."""
    paths = {re.sub(r"\{[a-z_]+\}", "<pk>", row["path"]) for row in ROWS}
    expected = {
        "/programs/new/", "/programs/<pk>/edit/", "/programs/<pk>/transition/", "/programs/<pk>/archive/",
        "/programs/<pk>/restore/", "/programs/<pk>/moes/new/", "/programs/moes/<pk>/edit/",
        "/programs/<pk>/measurements/", "/programs/measurements/<pk>/approve/", "/programs/measurements/<pk>/return/",
        "/import/", "/import/<pk>/confirm/", "/assessments/new/", "/assessments/<pk>/edit/",
        "/assessments/<pk>/submit/", "/assessments/<pk>/approve/", "/assessments/<pk>/return/",
        "/evaluations/new/", "/evaluations/<pk>/", "/evaluations/coordination/acknowledge/", "/evaluations/crises/",
        "/evaluations/crises/<pk>/close/", "/dashboards/reviews/", "/dashboards/reviews/planning/",
        "/api-tokens/", "/api-tokens/<pk>/revoke/",
        "/api/v1/programs/", "/api/v1/programs/<pk>/", "/api/v1/programs/<pk>/funding/",
        "/api/v1/programs/<pk>/transition/", "/api/v1/moes/", "/api/v1/moes/<pk>/", "/api/v1/moes/<pk>/targets/",
        "/api/v1/measurements/", "/api/v1/measurements/<pk>/submit/", "/api/v1/measurements/<pk>/approve/",
        "/api/v1/measurements/<pk>/return/", "/api/v1/assessments/", "/api/v1/assessments/<pk>/",
        "/api/v1/assessments/<pk>/submit/", "/api/v1/assessments/<pk>/approve/", "/api/v1/assessments/<pk>/return/",
        "/allocation/new/", "/allocation/<pk>/edit/", "/allocation/<pk>/solve/", "/api/v1/allocation-scenarios/",
        "/api/v1/allocation-scenarios/<pk>/", "/api/v1/allocation-scenarios/<pk>/solve/",
    }
    assert expected <= paths, expected - paths


@pytest.mark.parametrize("row, role", CASES)
def test_write_path_as_role(row, role, matrix):
    # Given records owned by DOS (rolled back after each case) and a client signed in as the role
    users, world = matrix
    path = row["path"].format(**world.ids())
    body = REQUESTS[row["action"]](world)
    client = client_for(role, users)
    before = database_digest()

    # When the role sends the row's request
    response = send(client, row["method"], path, body)

    # Then the answer is the one the table names, and only an allowed request wrote anything
    expected = row[role]
    after = database_digest()
    changed = sorted(table for table in after if after[table] != before.get(table))
    detail = f"{row['action']} as {role}: {response.status_code} {response.get('Location', '')} " \
             f"{response.content[:300]!r} changed={changed}"
    if expected == "yes":
        assert response.status_code < 400 and "/accounts/login/" not in response.get("Location", ""), detail
        assert changed, f"allowed but nothing was written: {detail}"
        return
    assert not changed, f"refused but wrote: {detail}"
    if expected == "login":
        # the portal's sign-in page, or the admin's for /admin/ (a signed-in non-staff user)
        assert response.status_code == 302 and "/login/" in response["Location"], detail
    elif expected == "no":
        assert response.status_code in (200, 302), detail
    else:
        assert response.status_code == int(expected), detail

"""Accounts not seen for 90 days: the administrators' page and the scheduled report."""
import datetime as dt
import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from identity.tasks import dormant_accounts_report
from tests import factories
from tests.security.signin import sign_in

pytestmark = pytest.mark.django_db


def _users(count: int, *, days_ago: int, prefix: str, signed_in: bool = True) -> None:
    when = timezone.now() - dt.timedelta(days=days_ago)
    for number in range(count):
        user = factories.AnalystFactory(username=f"{prefix}{number}", agency=factories.agency("DOS"))
        type(user).objects.filter(pk=user.pk).update(last_login=when if signed_in else None, date_joined=when)


def test_administrators_see_accounts_not_seen_for_ninety_days(administrator):
    _users(2, days_ago=120, prefix="gone")
    _users(1, days_ago=100, prefix="never", signed_in=False)
    _users(2, days_ago=10, prefix="recent")
    client = Client()
    sign_in(client, administrator)
    table = client.get("/accounts/dormant/").content.decode().split('id="dormant-accounts"', 1)[1]
    assert all(name in table for name in ("gone0", "gone1", "never0"))
    assert "recent0" not in table and "admin_user" not in table


def test_the_page_costs_the_same_queries_however_many_accounts(administrator, django_assert_max_num_queries):
    client = Client()
    sign_in(client, administrator)
    _users(2, days_ago=120, prefix="few")
    client.get("/accounts/dormant/")
    with CaptureQueriesContext(connection) as few:
        client.get("/accounts/dormant/")
    _users(30, days_ago=120, prefix="many")
    with django_assert_max_num_queries(len(few)):
        assert client.get("/accounts/dormant/").status_code == 200


def test_analysts_and_managers_may_not_see_it(analyst_a, manager):
    for user in (analyst_a, manager):
        client = Client()
        client.force_login(user)
        assert client.get("/accounts/dormant/").status_code == 403


def test_the_weekly_report_goes_to_the_security_log(caplog):
    _users(3, days_ago=95, prefix="stale")
    _users(1, days_ago=5, prefix="fresh")
    with caplog.at_level(logging.INFO, logger="ssa_portal.security"):
        assert dormant_accounts_report.apply().get() == 3
    line = next(r.getMessage() for r in caplog.records if "event=dormant_accounts" in r.getMessage())
    assert "count=3" in line and "stale0,stale1,stale2" in line and "fresh0" not in line


def test_administrators_find_the_page_in_the_navigation_and_others_do_not(administrator, manager):
    link = 'href="/accounts/dormant/"'
    client = Client()
    sign_in(client, administrator)
    page = client.get("/accounts/dormant/").content.decode()
    assert f'usa-current" {link} aria-current="page"><span>Dormant accounts</span></a>' in page  # USWDS header
    assert link in client.get("/programs/").content.decode()
    other = Client()
    sign_in(other, manager)
    assert link not in other.get("/programs/").content.decode()

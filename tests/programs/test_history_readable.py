"""History people can read: names not ids, local time to the minute, field labels,
linked records, the rationale beside the change."""
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.selectors.history import history_entries
from programs.services.measures import measurement_approve, measurement_record, measurements_submit
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(analyst_a, manager, program_a):
    manager.first_name, manager.last_name = "Maria", "Lopez"
    manager.save()
    moe = factories.MoeFactory(program=program_a)
    value = measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=Decimal("18"))
    measurements_submit(user=analyst_a, measurements=[value])
    value.refresh_from_db()
    measurement_approve(user=manager, measurement=value, version=value.version)
    value.refresh_from_db()
    measurement_record(user=analyst_a, moe=moe, period="FY2026-Q1", value=Decimal("18.5"), version=value.version,
                       rationale_category="data_correction", rationale="Typo in the district report")
    return value


def test_entries_name_people_and_labels_not_ids_and_columns(approved, manager):
    newest = history_entries(approved.history.all())[0]
    changes = {c["label"]: (c["old"], c["new"]) for c in newest["changes"]}
    assert changes["Approved by"] == ("Maria Lopez", "")
    assert changes["Status"] == ("Approved", "Submitted")
    assert changes["Value"] == ("18", "18.5")
    assert newest["object"] == "FY2026-Q1: 18.5"
    assert (newest["rationale_category"], newest["reason"]) == ("Data correction", "Typo in the district report")
    assert newest["url"] == reverse("programs:moe-history", args=[approved.moe_id])
    approval = history_entries(approved.history.all())[1]
    assert approval["author"] == "Maria Lopez"


def test_the_page_shows_local_time_to_the_minute_and_links(client, approved, analyst_a):
    client.force_login(analyst_a)
    page = client.get(reverse("programs:program-history", args=[approved.moe.program_id])).content.decode()
    assert "Approved by</strong>: <span class=\"diff-old\">Maria Lopez</span>" in page
    assert "times in America/New_York" in page
    entry = approved.history.order_by("-history_date").first()
    from django.utils import timezone
    from zoneinfo import ZoneInfo

    local = timezone.localtime(entry.history_date, ZoneInfo("America/New_York"))
    hour = local.hour % 12 or 12  # "Nov 30, 2026, 9:20 PM EST" (docs/design.md, dates and times)
    assert f"{local:%b} {local.day}, {local.year}, {hour}:{local:%M %p} {local.tzname()}" in page
    assert f'datetime="{local.isoformat(timespec="seconds")}"' in page
    assert f'href="{reverse("programs:moe-history", args=[approved.moe_id])}"' in page


def test_history_pages_cost_the_same_queries_for_more_changes(client, approved, analyst_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(analyst_a)
    url = reverse("programs:program-history", args=[approved.moe.program_id])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(5):
        approved.refresh_from_db()
        measurement_record(user=analyst_a, moe=approved.moe, period="FY2026-Q1", value=Decimal(20 + i),
                           version=approved.version)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)

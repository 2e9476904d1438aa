"""Notifications: emitted by the services after commit, kept in the inbox, e-mailed at
once or in the daily digest as each user chose."""
import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.models import Delivery, Notification, NotificationKind, NotificationPreference
from notifications.services import digest_send
from programs.models import MeasurementStatus, ProgramStatus
from programs.services.measures import measurement_return, measurements_submit
from programs.services.programs import program_transition
from tests import factories

pytestmark = pytest.mark.django_db


def _returned(analyst, manager, program, django_capture_on_commit_callbacks):
    moe = factories.MoeFactory(program=program)
    value = factories.MeasurementFactory(moe=moe, status=MeasurementStatus.DRAFT, entered_by=analyst)
    with django_capture_on_commit_callbacks(execute=True):
        measurements_submit(user=analyst, measurements=[value])
    value.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        measurement_return(user=manager, measurement=value, reason="The source is missing", version=value.version)
    return value


def test_a_returned_value_reaches_its_author_by_inbox_and_email_at_once(analyst_a, manager, program_a,
                                                                        django_capture_on_commit_callbacks):
    value = _returned(analyst_a, manager, program_a, django_capture_on_commit_callbacks)

    note = Notification.objects.get(recipient=analyst_a)
    assert note.kind == NotificationKind.VALUE_RETURNED
    assert note.title == f"Returned for revision: {value.moe.name} FY2026-Q1"
    assert note.body == "Reason: The source is missing"
    assert note.url == reverse("programs:measurement-grid", args=[program_a.pk]) + "?fy=2026"
    assert [m.to for m in mail.outbox] == [[analyst_a.email]]
    assert "The source is missing" in mail.outbox[0].body
    assert note.url in mail.outbox[0].body


def test_every_link_in_the_e_mails_starts_with_the_configured_base_url(analyst_a, manager, program_a, settings,
                                                                       django_capture_on_commit_callbacks):
    # given the portal served at another address than the default (make start PORT=8001)
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8001/"
    # when a returned value is e-mailed to its author at once, and the manager's daily
    # digest (the value awaited approval) is sent
    _returned(analyst_a, manager, program_a, django_capture_on_commit_callbacks)
    assert digest_send() == 1
    # then every link in both starts with that base, and none with another host or port
    assert [m.to for m in mail.outbox] == [[analyst_a.email], [manager.email]]
    links = [link for m in mail.outbox for link in re.findall(r"https?://\S+", m.body)]
    for note in Notification.objects.filter(emailed_at__isnull=False):
        assert f"http://127.0.0.1:8001{note.url}" in links
    assert "http://127.0.0.1:8001" + reverse("notifications:preferences") in links
    assert "http://127.0.0.1:8001" + reverse("notifications:inbox") in links
    assert all(link.startswith("http://127.0.0.1:8001/") for link in links), links


def test_nothing_is_sent_when_the_change_rolls_back(analyst_a, manager, program_a, django_capture_on_commit_callbacks):
    from django.db import transaction

    moe = factories.MoeFactory(program=program_a)
    value = factories.MeasurementFactory(moe=moe, status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                measurement_return(user=manager, measurement=value, reason="No", version=value.version)
                raise RuntimeError("later step failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists() and mail.outbox == []


def test_managers_get_values_awaiting_approval_in_the_daily_digest(analyst_a, manager, program_a,
                                                                   django_capture_on_commit_callbacks):
    moe = factories.MoeFactory(program=program_a)
    values = [factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{q}", status=MeasurementStatus.DRAFT,
                                           entered_by=analyst_a) for q in (1, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        measurements_submit(user=analyst_a, measurements=values)
    note = Notification.objects.get(recipient=manager)
    assert note.title == f"2 values of {program_a.code} awaiting approval"
    assert note.url == reverse("programs:approvals") + f"?program={program_a.pk}"
    assert mail.outbox == []  # digest by default

    assert digest_send() == 1
    assert mail.outbox[0].to == [manager.email] and "Daily digest: " in mail.outbox[0].subject
    assert note.title in mail.outbox[0].body
    digest_send()
    assert [m.to for m in mail.outbox].count([manager.email]) == 1  # sent once


def test_off_keeps_the_inbox_and_sends_no_email(analyst_a, manager, program_a, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=analyst_a, kind=NotificationKind.VALUE_RETURNED, delivery=Delivery.OFF)
    _returned(analyst_a, manager, program_a, django_capture_on_commit_callbacks)
    digest_send()
    assert Notification.objects.filter(recipient=analyst_a, kind=NotificationKind.VALUE_RETURNED).count() == 1
    assert analyst_a.email not in [to for m in mail.outbox for to in m.to]


def test_the_proposer_hears_the_decision(analyst_a, manager, agency_a, django_capture_on_commit_callbacks):
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED)
    program.history.filter(history_type="+").update(history_user=analyst_a)
    with django_capture_on_commit_callbacks(execute=True):
        program_transition(user=manager, program=program, action="approve", reason="Fits the strategy",
                           version=program.version)
    note = Notification.objects.get(recipient=analyst_a, kind=NotificationKind.PROPOSAL_DECIDED)
    assert note.title == f"Your proposal {program.code} was approved"
    assert mail.outbox[0].to == [analyst_a.email] and "Fits the strategy" in mail.outbox[0].body


def test_the_daily_digest_reminds_analysts_of_reporting_due(analyst_a, analyst_b, agency_a):
    program = factories.ProgramFactory(lead_agency=agency_a, start_fy=2026, end_fy=2026)
    factories.MoeFactory(program=program, frequency="annual")
    now = timezone.make_aware(dt.datetime(2026, 10, 5, 6, 0))
    digest_send(now=now)
    note = Notification.objects.get(kind=NotificationKind.REPORTING_DUE)
    assert note.recipient == analyst_a and note.title == "1 value owed: 0 overdue, 1 due"
    assert program.code in note.body
    assert note.url == reverse("dashboards:worklist", args=["reporting"])  # the whole list
    digest_send(now=now)
    assert Notification.objects.filter(kind=NotificationKind.REPORTING_DUE).count() == 1  # once a day


def test_a_returned_value_is_no_reporting_reminder(analyst_a, manager, program_a, django_capture_on_commit_callbacks):
    """Its author hears of the return at once; the daily reminder does not count it as owed."""
    program = factories.ProgramFactory(lead_agency=program_a.lead_agency, start_fy=2026, end_fy=2026)
    moe = factories.MoeFactory(program=program, frequency="annual")
    factories.MeasurementFactory(moe=moe, period="FY2026", status="returned", return_reason="Source missing")
    digest_send(now=timezone.make_aware(dt.datetime(2026, 12, 5, 6, 0)))
    assert not Notification.objects.filter(kind=NotificationKind.REPORTING_DUE, body__contains=program.code).exists()


def test_the_inbox_shows_the_unread_count_and_marks_read(client, analyst_a, manager, program_a,
                                                         django_capture_on_commit_callbacks):
    _returned(analyst_a, manager, program_a, django_capture_on_commit_callbacks)
    client.force_login(analyst_a)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'data-unread="1"' in page and "Returned for revision" in page
    note = Notification.objects.get(recipient=analyst_a)
    response = client.post(reverse("notifications:mark-read"), {"ids": [str(note.pk)]}, follow=True)
    assert "1 notification marked read." in response.content.decode()
    assert 'data-unread' not in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_preferences_are_saved_per_kind(client, analyst_a):
    client.force_login(analyst_a)
    data = {kind: Delivery.DIGEST for kind in NotificationKind.values}
    data[NotificationKind.VALUE_RETURNED] = Delivery.OFF
    response = client.post(reverse("notifications:preferences"), data, follow=True)
    assert "Notification preferences saved." in response.content.decode()
    assert NotificationPreference.objects.get(user=analyst_a, kind=NotificationKind.VALUE_RETURNED).delivery == Delivery.OFF
    bad = client.post(reverse("notifications:preferences"), {**data, "value_returned": "hourly"})
    assert bad.status_code == 400
    # The refused form names the field in its error summary, linking to it (USWDS, Section 508)
    assert 'href="#id_value_returned"' in bad.content.decode() and "usa-input--error" in bad.content.decode()

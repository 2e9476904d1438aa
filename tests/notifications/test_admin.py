"""Administrators set the reporting grace period in the admin, with history; the work
lists use it at once. Notifications are read-only in the admin."""
import pytest
from django.urls import reverse

from notifications.models import ReportingPolicy

pytestmark = pytest.mark.django_db


def test_the_grace_period_is_set_in_the_admin_with_history(client, root):
    assert ReportingPolicy.current().grace_days == 30  # the default, nothing stored
    response = client.post(reverse("admin:notifications_reportingpolicy_add"), {"grace_days": "45"})
    assert response.status_code == 302
    assert ReportingPolicy.current().grace_days == 45
    assert ReportingPolicy.history.get().history_user == root
    assert client.get(reverse("admin:notifications_reportingpolicy_add")).status_code == 403  # one row only
    refused = client.post(reverse("admin:notifications_reportingpolicy_change", args=[1]), {"grace_days": "999"})
    assert refused.status_code == 200 and ReportingPolicy.current().grace_days == 45


def test_notifications_are_read_only_in_the_admin(client, root, analyst_a):
    from notifications.models import Notification

    note = Notification.objects.create(recipient=analyst_a, kind="value_returned", title="x")
    assert client.post(reverse("admin:notifications_notification_delete", args=[note.pk]), {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=note.pk).exists()

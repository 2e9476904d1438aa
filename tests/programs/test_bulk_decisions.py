"""Bulk decisions in the approvals queue: filters, approve or return a selection or all
matching, with one reason, through the rules of one value (four eyes, versions,
history per value), in one transaction, with a bounded number of queries."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs import permissions
from programs.models import Measurement, MeasurementStatus, MoeKind
from programs.services.approvals import measurements_decide
from tests import factories

pytestmark = pytest.mark.django_db


def _submitted(program, n, *, author, kind=MoeKind.OUTCOME, start=0):
    moe = factories.MoeFactory(program=program, kind=kind)
    return [factories.MeasurementFactory(moe=moe, period=f"FY{2025 + (start + i) // 4}-Q{(start + i) % 4 + 1}",
                                         value=Decimal(i), status=MeasurementStatus.SUBMITTED, entered_by=author)
            for i in range(n)]


def test_approving_a_selection_records_a_history_row_per_value(manager, analyst_a, program_a):
    values = _submitted(program_a, 3, author=analyst_a)
    count = measurements_decide(user=manager, ids=[v.pk for v in values], decision="approve", reason="Checked",
                                versions={v.pk: v.version for v in values})
    assert count == 3
    for v in values:
        v.refresh_from_db()
        assert (v.status, v.approved_by, v.version) == (MeasurementStatus.APPROVED, manager, 2)
        last = v.history.order_by("-history_date", "-history_id").first()
        assert (last.history_user, last.history_change_reason, last.status) == (manager, "approved: Checked", "approved")


def test_returning_needs_a_reason_and_tells_the_author(manager, analyst_a, program_a):
    from django.core.exceptions import ValidationError

    from notifications.models import Notification

    values = _submitted(program_a, 2, author=analyst_a)
    with pytest.raises(ValidationError, match="Say what needs revising"):
        measurements_decide(user=manager, ids=[v.pk for v in values], decision="return", reason=" ")
    measurements_decide(user=manager, ids=[v.pk for v in values], decision="return", reason="Sources missing")
    assert set(Measurement.objects.values_list("status", "return_reason")) == {("returned", "Sources missing")}
    assert Notification.objects.get(recipient=analyst_a).title == f"Returned for revision: 2 values of {program_a.code}"


def test_one_stale_or_own_value_refuses_the_whole_decision(manager, analyst_a, program_a):
    from django.core.exceptions import ValidationError

    values = _submitted(program_a, 3, author=analyst_a)
    with pytest.raises(ValidationError, match="1 value changed since you loaded the page"):
        measurements_decide(user=manager, ids=[v.pk for v in values], decision="approve",
                            versions={**{v.pk: v.version for v in values}, values[0].pk: 7})
    Measurement.objects.filter(pk=values[1].pk).update(entered_by=manager)
    with pytest.raises(ValidationError, match="four eyes"):
        measurements_decide(user=manager, ids=[v.pk for v in values], decision="approve")
    assert set(Measurement.objects.values_list("status", flat=True)) == {"submitted"}


def test_an_analyst_cannot_decide(analyst_a, program_a):
    from django.core.exceptions import PermissionDenied

    values = _submitted(program_a, 1, author=analyst_a)
    with pytest.raises(PermissionDenied):
        measurements_decide(user=analyst_a, ids=[values[0].pk], decision="approve")


def test_the_queries_do_not_grow_with_the_selection(manager, analyst_a, program_a):
    few = _submitted(program_a, 2, author=analyst_a)
    many = _submitted(program_a, 40, author=analyst_a, start=2)
    permissions.is_manager(manager)  # the user's roles, read once per user object
    with CaptureQueriesContext(connection) as small:
        measurements_decide(user=manager, ids=[v.pk for v in few], decision="approve")
    with CaptureQueriesContext(connection) as large:
        measurements_decide(user=manager, ids=[v.pk for v in many], decision="approve")
    assert len(large) == len(small)


def test_the_queue_filters_by_program_country_agency_period_and_kind(client, manager, analyst_a, analyst_b, agency_b):
    kenya = factories.ProgramFactory(countries=[factories.country("KEN")])
    mali = factories.ProgramFactory(lead_agency=agency_b, countries=[factories.country("MLI")])
    k = _submitted(kenya, 2, author=analyst_a)
    m = _submitted(mali, 1, author=analyst_b, kind=MoeKind.OUTPUT)
    client.force_login(manager)

    def shown(query):
        page = client.get(reverse("programs:approvals") + query).content.decode()
        return {v.pk for v in [*k, *m] if f'id="measurement-{v.pk}"' in page}

    assert shown("") == {v.pk for v in [*k, *m]}
    assert shown(f"?program={kenya.pk}") == {v.pk for v in k}
    assert shown("?country=MLI") == {m[0].pk}
    assert shown("?agency=DOD") == {m[0].pk}
    assert shown("?period=FY2025-Q2") == {k[1].pk}
    assert shown("?kind=output") == {m[0].pk}


def test_the_page_approves_all_matching_the_filter(client, manager, analyst_a, analyst_b, agency_b):
    kenya = factories.ProgramFactory()
    other = factories.ProgramFactory(lead_agency=agency_b)
    mine = _submitted(kenya, 60, author=analyst_a)  # more than one page of 50
    theirs = _submitted(other, 2, author=analyst_b)
    client.force_login(manager)
    response = client.post(reverse("programs:approvals-decide") + f"?program={kenya.pk}",
                           {"scope": "all", "decision": "approve", "reason": ""}, follow=True)
    assert "60 values approved." in response.content.decode()
    assert Measurement.objects.filter(pk__in=[v.pk for v in mine], status="approved").count() == 60
    assert Measurement.objects.filter(pk__in=[v.pk for v in theirs], status="submitted").count() == 2


def test_the_page_says_why_nothing_was_decided(client, manager, analyst_a, program_a):
    values = _submitted(program_a, 1, author=analyst_a)
    client.force_login(manager)
    response = client.post(reverse("programs:approvals-decide"),
                           {"ids": [values[0].pk], f"version_{values[0].pk}": values[0].version, "decision": "return"},
                           follow=True)
    page = response.content.decode()
    assert page.count("Say what needs revising before returning the values.") == 1
    assert Measurement.objects.get().status == "submitted"


def test_the_queue_page_is_flat_as_data_grows(client, manager, analyst_a, program_a):
    client.force_login(manager)
    _submitted(program_a, 3, author=analyst_a)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("programs:approvals"))
    _submitted(factories.ProgramFactory(), 40, author=analyst_a)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("programs:approvals"))
    assert len(large) == len(small)


def test_a_reason_over_the_stated_limit_is_refused_not_cut(manager, analyst_a, program_a):
    from django.core.exceptions import ValidationError

    values = _submitted(program_a, 2, author=analyst_a)
    with pytest.raises(ValidationError, match="up to 1,000 characters \\(it has 1,001\\)"):
        measurements_decide(user=manager, ids=[v.pk for v in values], decision="return", reason="x" * 1001)
    assert set(Measurement.objects.filter(pk__in=[v.pk for v in values]).values_list("status", flat=True)) == {"submitted"}


def test_values_of_an_archived_program_are_not_waiting(client, manager, analyst_a):
    """The services refuse decisions on archived records, so the queue, its "all that
    match" decision and the home count leave such values out (one archived program used
    to block every bulk decision whose filter included it)."""
    from django.utils import timezone

    from programs.selectors.measures import awaiting_approval

    live, archived = factories.ProgramFactory(), factories.ProgramFactory()
    waiting = _submitted(live, 2, author=analyst_a)
    _submitted(archived, 2, author=analyst_a)
    type(archived).objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    assert set(awaiting_approval()) == set(waiting)
    client.force_login(manager)
    page = client.get(reverse("programs:approvals"))
    assert [m.pk for m, _ in page.context["rows"]] == [v.pk for v in waiting]
    response = client.post(reverse("programs:approvals-decide"), {"scope": "all", "decision": "approve", "reason": ""},
                           follow=True)
    assert "2 values approved." in response.content.decode()


def test_a_filter_that_is_not_valid_matches_nothing(client, manager, analyst_a, program_a):
    """A stale or mistyped program code shows its error and no rows; "all that match" then
    decides nothing, and the download of the filtered queue is a 400 naming the field."""
    _submitted(program_a, 3, author=analyst_a)
    client.force_login(manager)
    page = client.get(reverse("programs:approvals"), {"program": "NOPE"})
    assert page.context["filter"].errors["program"] and page.context["rows"] == []
    client.post(reverse("programs:approvals-decide") + "?program=NOPE", {"scope": "all", "decision": "approve"})
    assert Measurement.objects.filter(status="submitted").count() == 3
    export = client.get(reverse("programs:approvals-export", args=["csv"]) + "?program=NOPE")
    assert export.status_code == 400 and export["Content-Type"].startswith("text/plain")
    assert export.content.decode().startswith("Program (program): ")


def test_the_download_is_the_queue_as_filtered(client, manager, analyst_a, program_a):
    _submitted(program_a, 2, author=analyst_a)
    _submitted(factories.ProgramFactory(), 3, author=analyst_a)
    client.force_login(manager)
    page = client.get(reverse("programs:approvals"), {"program": program_a.code}).content.decode()
    link = reverse("programs:approvals-export", args=["csv"]) + f"?program={program_a.code}"
    assert f'href="{link}"' in page
    assert len(client.get(link).content.decode("utf-8-sig").strip().splitlines()) == 1 + 2

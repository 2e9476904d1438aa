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


def _confirmation(client, query: str, *, decision: str, reason: str = ""):
    """The queue's "all that match" decision, first step: the confirmation page."""
    return client.post(reverse("programs:approvals-decide") + query,
                       {"scope": "all", "decision": decision, "reason": reason})


def _confirmed(client, query: str, *, decision: str, reason: str = ""):
    """Both steps: the confirmation page, then its button (the set it showed)."""
    shown = _confirmation(client, query, decision=decision, reason=reason)
    assert shown.status_code == 200
    return client.post(reverse("programs:approvals-decide") + query,
                       {"scope": "all", "decision": decision, "reason": reason,
                        "confirmed": shown.context["matching"].fingerprint}, follow=True)


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
    response = _confirmed(client, f"?program={kenya.pk}", decision="approve")
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
    response = _confirmed(client, "", decision="approve")
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


def _text(response) -> str:
    """The page's words as read: inline tags removed, the others a space, spaces collapsed."""
    import re

    inline = re.sub(r"</?(?:strong|em|span|a)\b[^>]*>", "", response.content.decode())
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


def test_all_that_match_asks_for_confirmation_in_words_and_saves_nothing(client, manager, analyst_a, analyst_b,
                                                                          agency_a, agency_b):
    # Given 5 values of State's two programs over 3 periods, and 2 of Defense's
    first, second = factories.ProgramFactory(lead_agency=agency_a), factories.ProgramFactory(lead_agency=agency_a)
    ours = _submitted(first, 3, author=analyst_a) + _submitted(second, 2, author=analyst_a)
    _submitted(factories.ProgramFactory(lead_agency=agency_b), 2, author=analyst_b)
    client.force_login(manager)
    # When the manager approves all that match "agency DOS"
    response = _confirmation(client, "?agency=DOS", decision="approve", reason="Checked against the reports")
    # Then a page says what will happen, and nothing is saved yet
    assert response.status_code == 200
    text = _text(response)
    assert ("You are about to approve 5 values across 2 programs for 3 periods: every value waiting for approval "
            "that matches the filter. Nothing has been saved yet.") in text
    assert f"Programs (2) {', '.join(sorted([first.code, second.code]))}" in text
    assert "Periods (3) FY2025-Q1, FY2025-Q2, FY2025-Q3" in text
    assert "Filter Agency: DOS" in text and "Rationale (recorded in each value's history) “Checked against the reports”" in text
    assert "Approve 5 values" in text and "Cancel" in text
    assert set(Measurement.objects.values_list("status", flat=True)) == {"submitted"}
    # And returning says the reason goes to the authors
    returning = _text(_confirmation(client, "?agency=DOS", decision="return", reason="Sources missing"))
    assert "You are about to return for revision 5 values across 2 programs" in returning
    assert "Reason for returning (recorded in each value's history and sent to the authors) “Sources missing”" in returning
    assert "Return 5 values" in returning
    # When the manager confirms, exactly those 5 are approved, with the rationale
    done = _confirmed(client, "?agency=DOS", decision="approve", reason="Checked against the reports")
    assert "5 values approved." in _text(done)
    assert set(Measurement.objects.filter(status="approved").values_list("pk", flat=True)) == {v.pk for v in ours}
    assert ours[0].history.order_by("-history_id").first().history_change_reason == "approved: Checked against the reports"


def test_the_confirmation_says_it_covers_every_page(client, manager, analyst_a, program_a):
    _submitted(program_a, 120, author=analyst_a)
    client.force_login(manager)
    text = _text(_confirmation(client, f"?program={program_a.code}", decision="approve"))
    assert "You are about to approve 120 values across 1 program for 120 periods" in text
    assert "on all 3 pages of the queue, not only the 50 rows of one page" in text
    assert "Periods (120) from FY2025-Q1 to FY2054-Q4" in text and "None given (optional to approve)" in text


def test_a_return_without_reason_is_refused_before_any_confirmation(client, manager, analyst_a, program_a):
    _submitted(program_a, 2, author=analyst_a)
    client.force_login(manager)
    response = _confirmation(client, "", decision="return")
    assert response.status_code == 302 and response["Location"] == reverse("programs:approvals")
    assert "Say what needs revising before returning the values." in _text(client.get(response["Location"]))


@pytest.mark.parametrize("change", ["added", "edited", "decided"])
def test_a_set_that_changed_after_confirming_is_refused_with_the_new_confirmation(client, manager, analyst_a,
                                                                                  program_a, change):
    values = _submitted(program_a, 3, author=analyst_a)
    client.force_login(manager)
    shown = _confirmation(client, "", decision="approve")
    assert "Approve 3 values" in _text(shown)
    # Given the queue changes between the confirmation and the click
    if change == "added":
        _submitted(factories.ProgramFactory(), 1, author=analyst_a)
    elif change == "edited":
        Measurement.objects.filter(pk=values[0].pk).update(value=Decimal("9"), version=values[0].version + 1)
    else:
        Measurement.objects.filter(pk=values[0].pk).update(status=MeasurementStatus.APPROVED)
    # When the manager confirms what they saw
    response = client.post(reverse("programs:approvals-decide"),
                           {"scope": "all", "decision": "approve", "confirmed": shown.context["matching"].fingerprint})
    # Then nothing is decided, the page says why and shows the new set to confirm
    assert response.status_code == 409
    text = _text(response)
    assert "The values matching the filter changed after you confirmed" in text and "Nothing was approved." in text
    expected = {"added": 4, "edited": 3, "decided": 2}[change]
    assert f"Approve {expected} values" in text
    assert Measurement.objects.filter(status="approved").count() == (1 if change == "decided" else 0)
    # And confirming the new set decides it
    again = client.post(reverse("programs:approvals-decide"),
                        {"scope": "all", "decision": "approve", "confirmed": response.context["matching"].fingerprint},
                        follow=True)
    assert f"{expected} values approved." in _text(again)


def test_cancel_goes_back_to_the_same_filtered_queue(client, manager, analyst_a, program_a):
    _submitted(program_a, 2, author=analyst_a)
    client.force_login(manager)
    query = f"?program={program_a.code}&kind=outcome"
    response = _confirmation(client, query, decision="approve")
    queue = reverse("programs:approvals") + query
    assert f'<a class="usa-button usa-button--outline" href="{queue.replace("&", "&amp;")}">Cancel</a>' in response.content.decode()
    back = client.get(queue)
    assert back.status_code == 200 and back.context["filter"].form.cleaned_data["kind"] == "outcome"
    assert set(Measurement.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_user_who_may_not_approve_is_refused_at_both_steps(client, manager, analyst_a, program_a):
    _submitted(program_a, 2, author=analyst_a)
    client.force_login(manager)
    fingerprint = _confirmation(client, "", decision="approve").context["matching"].fingerprint
    client.force_login(analyst_a)
    assert _confirmation(client, "", decision="approve").status_code == 403
    refused = client.post(reverse("programs:approvals-decide"),
                          {"scope": "all", "decision": "approve", "confirmed": fingerprint})
    assert refused.status_code == 403
    assert set(Measurement.objects.values_list("status", flat=True)) == {"submitted"}


def test_the_confirmation_reads_the_set_in_a_fixed_number_of_queries(client, manager, analyst_a, program_a,
                                                                     django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    _submitted(program_a, 3, author=analyst_a)
    with CaptureQueriesContext(connection) as small:
        _confirmation(client, "", decision="approve")
    _submitted(factories.ProgramFactory(), 90, author=analyst_a)
    with django_assert_num_queries(len(small)):
        _confirmation(client, "", decision="approve")


def test_the_queue_pages_keep_the_filter_and_say_which_rows_they_show(client, manager, analyst_a, program_a):
    values = _submitted(program_a, 60, author=analyst_a)
    _submitted(factories.ProgramFactory(), 3, author=analyst_a)
    client.force_login(manager)
    page = client.get(reverse("programs:approvals"), {"program": program_a.code, "page": 2})
    assert [m.pk for m, _ in page.context["rows"]] == [v.pk for v in values[50:]]
    html = page.content.decode()
    assert '<span aria-hidden="true">Showing 51–60 of 60 values waiting that match the filter (page 2 of 2)</span>' in html
    assert '<span class="usa-sr-only">Showing values 51 to 60 of 60 waiting that match the filter, page 2 of 2</span>' in html
    assert '<nav aria-label="Pages" class="usa-pagination">' in html
    assert f'href="?program={program_a.code}&amp;page=1"' in html


def test_the_queue_is_flat_across_page_numbers_and_queue_sizes(client, manager, analyst_a, program_a,
                                                               django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    _submitted(program_a, 60, author=analyst_a)
    url = reverse("programs:approvals")
    with CaptureQueriesContext(connection) as first_page:
        client.get(url)
    with django_assert_num_queries(len(first_page)):
        client.get(url, {"page": 2})
    _submitted(factories.ProgramFactory(), 200, author=analyst_a)
    for number in (1, 3, 6):
        with django_assert_num_queries(len(first_page)):
            client.get(url, {"page": number})

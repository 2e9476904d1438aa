"""MOE pages (inline targets, categories), the measurement grid, and the approvals queue."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import MeasureOfEffectiveness, Measurement, MeasurementStatus, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _moe_post(**overrides):
    data = {
        "name": "Officers trained",
        "kind": "output",
        "unit": "officers",
        "direction": "increase",
        "frequency": "quarterly",
        "baseline_value": "0",
        "baseline_date": "2024-09-30",
        "weight": "1",
        "means_of_verification": "",
        "categories": "sex: female\nsex: male",
        "target_FY2026-Q1": "100",
        "target_FY2026-Q2": "200",
    }
    data.update(overrides)
    return data


@pytest.fixture
def proposed_program(agency_a):
    return factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2027)


def test_analyst_adds_moe_with_targets_and_categories(client, analyst_a, proposed_program):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:moe-create", args=[proposed_program.pk]), _moe_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    moe = MeasureOfEffectiveness.objects.get(program=proposed_program)
    assert dict(moe.targets.values_list("period", "value")) == {"FY2026-Q1": Decimal("100"), "FY2026-Q2": Decimal("200")}
    assert set(moe.disaggregation_categories.values_list("name", flat=True)) == {"female", "male"}


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, b"Name: This field is required."),
        ({"baseline_value": "lots"}, b"Baseline value: Enter a number: &#x27;lots&#x27; is not a number."),
        ({"baseline_value": "1" * 25}, b"Baseline value: Ensure this value is less than or equal to"),
        ({"weight": "0"}, b"Weight: Ensure this value is greater than or equal to 0.001."),
        ({"target_FY2026-Q1": "lots"}, b"FY2026-Q1: Enter a number: &#x27;lots&#x27; is not a number."),
        ({"target_FY2026-Q2": "1" * 25}, b"FY2026-Q2: Ensure this value is less than or equal to"),
        ({"categories": "no colon here"}, b"Disaggregation categories: Line 1"),
        ({"baseline_date": "yesterday"}, b"Baseline date: Enter a valid date."),
    ],
)
def test_moe_bad_input_names_the_field(client, analyst_a, proposed_program, overrides, message):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:moe-create", args=[proposed_program.pk]), _moe_post(**overrides))
    assert response.status_code == 400
    assert message in response.content, response.content.decode()[:5000]
    assert not MeasureOfEffectiveness.objects.exists()


def test_moe_edit_is_locked_and_other_agency_gets_403(client, analyst_a, analyst_b, proposed_program):
    moe = factories.MoeFactory(program=proposed_program)
    url = reverse("programs:moe-edit", args=[moe.pk])
    client.force_login(analyst_b)
    assert client.get(url).status_code == 403
    client.force_login(analyst_a)
    assert client.get(url).status_code == 200
    fresh = client.post(url, _moe_post(version="1", name="Renamed", categories=""))
    assert fresh.status_code == 302
    stale = client.post(url, _moe_post(version="1", name="Other name", categories=""))
    assert stale.status_code == 409 and b"Not saved." in stale.content
    moe.refresh_from_db()
    assert moe.name == "Renamed"


def _grid_post(moes, values, **extra):
    data = {"fy": "2026"}
    for moe in moes:
        for q, value in values.items():
            data[f"value_{moe.pk}_FY2026-Q{q}"] = value
    data.update(extra)
    return data


def test_grid_enters_a_quarter_in_one_form_and_submits(client, analyst_a, manager, proposed_program):
    moes = [factories.MoeFactory(program=proposed_program) for _ in range(2)]
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[proposed_program.pk])
    assert client.get(url, {"fy": "2026"}).status_code == 200
    response = client.post(url, _grid_post(moes, {1: "12.5"}, submit="1"))
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = Measurement.objects.filter(moe__in=moes)
    assert rows.count() == 2
    assert set(rows.values_list("status", flat=True)) == {MeasurementStatus.SUBMITTED}
    # The manager sees them in the queue and approves one, returns the other.
    client.force_login(manager)
    queue = client.get(reverse("programs:approvals")).content.decode()
    assert all(f'id="measurement-{m.pk}"' in queue for m in rows)
    first, second = rows.order_by("pk")
    client.post(reverse("programs:measurement-approve", args=[first.pk]), {"version": first.version})
    response = client.post(reverse("programs:measurement-return", args=[second.pk]), {"reason": "", "version": second.version}, follow=True)
    assert b"Reason: say what needs revising" in response.content
    client.post(reverse("programs:measurement-return", args=[second.pk]), {"reason": "Source missing", "version": second.version})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == MeasurementStatus.APPROVED and first.approved_by == manager
    assert second.status == MeasurementStatus.RETURNED and second.return_reason == "Source missing"


def test_grid_changing_approved_value_needs_rationale(client, analyst_a, proposed_program):
    moe = factories.MoeFactory(program=proposed_program)
    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("5"))
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[proposed_program.pk])
    post = {"fy": "2026", f"value_{moe.pk}_FY2026-Q1": "6", f"version_{moe.pk}_FY2026-Q1": str(measurement.version)}
    response = client.post(url, post)
    assert response.status_code == 400
    assert b"Reason for change: Choose why this approved data is changing." in response.content
    response = client.post(url, {**post, "rationale_category": "data_correction", "rationale": "Typo in Q1 report"})
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert measurement.value == Decimal("6") and measurement.status == MeasurementStatus.SUBMITTED
    assert measurement.history.first().rationale_category == "data_correction"


@pytest.mark.parametrize(
    "value, message",
    [("abc", b"Enter a number: &#x27;abc&#x27; is not a number."), ("1.234,5", b"is ambiguous"),
     ("-3", b"Enter zero or more: -3 is negative, and this measure (officers) does not allow negative values."),
     ("9" * 30, b"Ensure")],
)
def test_grid_bad_values_name_the_cell_and_save_nothing(client, analyst_a, proposed_program, value, message):
    moes = [factories.MoeFactory(program=proposed_program) for _ in range(2)]
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[proposed_program.pk])
    post = _grid_post(moes[:1], {1: "10"})
    post[f"value_{moes[1].pk}_FY2026-Q1"] = value
    response = client.post(url, post)
    assert response.status_code == 400
    assert message in response.content
    assert f"{moes[1].name} FY2026-Q1".encode() in response.content
    assert not Measurement.objects.exists()  # all or nothing


def test_grid_of_other_agency_is_read_only_and_post_is_403(client, analyst_b, proposed_program):
    moe = factories.MoeFactory(program=proposed_program)
    client.force_login(analyst_b)
    url = reverse("programs:measurement-grid", args=[proposed_program.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"Save and submit" not in response.content
    assert client.post(url, _grid_post([moe], {1: "1"})).status_code == 403
    assert not Measurement.objects.exists()


def test_grid_query_count_does_not_grow(client, analyst_a, proposed_program):
    client.force_login(analyst_a)
    url = reverse("programs:measurement-grid", args=[proposed_program.pk])
    factories.MoeFactory(program=proposed_program)
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"fy": "2026"})
    for index in range(6):
        moe = factories.MoeFactory(program=proposed_program, is_cumulative=index % 2 == 0)
        for q in (1, 2, 3):
            factories.MeasurementFactory(moe=moe, period=f"FY2026-Q{q}")
            factories.TargetFactory(moe=moe, period=f"FY2026-Q{q}")
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"fy": "2026"})
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_cumulative_moe_shows_running_totals_beside_its_running_total_targets(client, analyst_a, proposed_program):
    """The grid's inputs are a cumulative MOE's increments; beside each target (a running
    total) it shows the running total by the portal's one rule (``programs.actuals``):
    approved values of every period ending by then, FY2025 included, and a value not yet
    approved counted "once approved"."""
    moe = factories.MoeFactory(program=proposed_program, is_cumulative=True, unit="officers")
    factories.MeasurementFactory(moe=moe, period="FY2025-Q4", value=Decimal("40"))
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("25"))
    factories.MeasurementFactory(moe=moe, period="FY2026-Q2", value=Decimal("30"), status=MeasurementStatus.SUBMITTED)
    factories.TargetFactory(moe=moe, period="FY2026-Q1", value=Decimal("60"))
    factories.TargetFactory(moe=moe, period="FY2026-Q2", value=Decimal("100"))
    client.force_login(analyst_a)
    page = client.get(reverse("programs:measurement-grid", args=[proposed_program.pk]), {"fy": "2026"}).content.decode()
    assert "FY2026-Q1 increment</label>" in page
    assert "Σ running total 65</span>" in page  # 40 + 25, beside the target of 60
    assert "target 60 (running total)" in page
    assert "Σ running total 95 once approved</span>" in page  # 65 + 30 submitted
    detail = client.get(reverse("programs:program-detail", args=[proposed_program.pk])).content.decode()
    latest = detail.split("data-latest-actual>")[1].split("</td>")[0]
    assert latest.startswith("FY2026-Q1: 65") and "increment 25" in latest and "target 60" in latest


def test_approvals_queue_is_for_managers_and_flat(client, analyst_a, manager, proposed_program):
    client.force_login(analyst_a)
    assert client.get(reverse("programs:approvals")).status_code == 403
    client.force_login(manager)
    moe = factories.MoeFactory(program=proposed_program)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("programs:approvals")).status_code == 200
    for q in (2, 3, 4):
        other = factories.MoeFactory(program=factories.ProgramFactory())
        factories.MeasurementFactory(moe=other, period=f"FY2026-Q{q}", status=MeasurementStatus.SUBMITTED)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("programs:approvals"))
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.content.count(b'name="ids"') == 4


def test_htmx_approve_returns_a_row(client, manager, analyst_a, proposed_program):
    moe = factories.MoeFactory(program=proposed_program)
    m = factories.MeasurementFactory(moe=moe, status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    client.force_login(manager)
    response = client.post(reverse("programs:measurement-approve", args=[m.pk]), {"version": m.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.startswith(b"<tr") and b"Approved" in response.content


def test_moe_archive_hides_it_from_grid_and_detail(client, analyst_a, analyst_b, proposed_program):
    moe = factories.MoeFactory(program=proposed_program, name="Old measure")
    url = reverse("programs:moe-archive", args=[moe.pk])
    client.force_login(analyst_b)
    assert client.post(url).status_code == 403
    client.force_login(analyst_a)
    stale = client.post(url, {"reason": "replaced"}, follow=True)  # a form without its version
    assert "Nothing was saved" in stale.content.decode() and not MeasureOfEffectiveness.objects.get(pk=moe.pk).is_archived
    client.post(url, {"reason": "replaced", "version": str(moe.version)})
    moe.refresh_from_db()
    assert moe.is_archived and moe.history.first().history_change_reason == "archived: replaced"
    detail = client.get(reverse("programs:program-detail", args=[proposed_program.pk]))
    assert b"Old measure</td>" not in detail.content and b"Old measure <span" not in detail.content
    grid = client.get(reverse("programs:measurement-grid", args=[proposed_program.pk]))
    assert b"Old measure" not in grid.content


def test_breakdown_by_category(client, analyst_a, analyst_b, proposed_program):
    moe = factories.MoeFactory(program=proposed_program)
    female = moe.disaggregation_categories.create(dimension="sex", name="female")
    male = moe.disaggregation_categories.create(dimension="sex", name="male")
    measurement = factories.MeasurementFactory(moe=moe, period="FY2026-Q1", status=MeasurementStatus.DRAFT, value=Decimal("10"))
    url = reverse("programs:measurement-breakdown", args=[measurement.pk])
    client.force_login(analyst_b)
    assert client.get(url).status_code == 403
    client.force_login(analyst_a)
    assert b"sex: female" in client.get(url).content
    bad = client.post(url, {"value": "10", f"category_{female.pk}": "many", "version": measurement.version})
    assert bad.status_code == 400 and b"sex: female: Enter a number: &#x27;many&#x27; is not a number." in bad.content
    ok = client.post(url, {"value": "10", f"category_{female.pk}": "4", f"category_{male.pk}": "6", "version": measurement.version})
    assert ok.status_code == 302
    assert dict(measurement.breakdown.values_list("category__name", "value")) == {"female": Decimal("4"), "male": Decimal("6")}

"""The version rule on the pages: a form posted without the version it read (or with a
stale one) over an existing row is refused with a 409 page that says who changed what,
and nothing is saved; two analysts filling the same empty grid cell are not both told
"saved"."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.models import (
    DonorEngagement,
    ImplementingPartner,
    Objective,
    OtherDonor,
    Sector,
    Strategy,
    Vetting,
)
from programs.models import MeasurementStatus, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _bound_values(form) -> dict:
    """What the edit page's form would post back unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
    return data


def _strategy():
    return Strategy.objects.create(title="Kenya ICS", scope="country", country=factories.country("KEN"), start_fy=2026, end_fy=2028)


RECORDS = {
    "institutions": (lambda: factories.PartnerInstitutionFactory(), "name"),
    "implementing-partners": (lambda: ImplementingPartner.objects.create(name="Acme", kind="contractor"), "name"),
    "vetting": (
        lambda: Vetting.objects.create(institution=factories.PartnerInstitutionFactory(), requested_on=dt.date(2026, 5, 1)),
        "notes",
    ),
    "donor-engagements": (
        lambda: DonorEngagement.objects.create(
            donor=OtherDonor.objects.create(name="UK FCDO", kind="bilateral"), country=factories.country("KEN"),
            sector=Sector.objects.get(dac_code="15210"), start_fy=2026, end_fy=2027,
        ),
        "description",
    ),
    "strategies": (_strategy, "title"),
    "objectives": (lambda: Objective.objects.create(strategy=_strategy(), code="1", description="Borders"), "description"),
}


@pytest.mark.parametrize("kind", sorted(RECORDS))
@pytest.mark.parametrize("version", ["", "0", "stale"])
def test_record_edit_without_or_with_stale_version_is_409(client, analyst_a, kind, version):
    make, field = RECORDS[kind]
    record = make()
    client.force_login(analyst_a)
    url = reverse("programs:record-edit", args=[kind, record.pk])
    post = _bound_values(client.get(url).context["form"])
    assert post["version"] == 1
    if version == "stale":
        assert client.post(url, {**post, field: "Changed by a colleague"}).status_code == 302
        post[field] = "My change"
    else:
        post.update({field: "My change", "version": version})
    response = client.post(url, post)
    assert response.status_code == 409
    assert b"Not saved." in response.content and b"analyst_a" in response.content
    record.refresh_from_db()
    assert getattr(record, field) != "My change"


def test_program_edit_posted_without_its_version_is_409(client, analyst_a, program_a):
    client.force_login(analyst_a)
    url = reverse("programs:program-edit", args=[program_a.pk])
    post = _bound_values(client.get(url).context["form"])
    post.update({
        "title": "Lost update", "version": "", "rationale_category": "data_correction", "rationale": "fix",
        "funding-TOTAL_FORMS": "0", "funding-INITIAL_FORMS": "0", "funding-MIN_NUM_FORMS": "0", "funding-MAX_NUM_FORMS": "1000",
    })
    response = client.post(url, post)
    assert response.status_code == 409 and b"Not saved." in response.content
    program_a.refresh_from_db()
    assert program_a.title != "Lost update" and program_a.version == 1


def test_moe_edit_posted_without_its_version_is_409(client, analyst_a, agency_a):
    moe = factories.MoeFactory(program=factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED))
    client.force_login(analyst_a)
    url = reverse("programs:moe-edit", args=[moe.pk])
    page = client.get(url)
    post = _bound_values(page.context["form"])
    post.update({"name": "Lost update", "version": "", "targets-TOTAL_FORMS": "0", "targets-INITIAL_FORMS": "0",
                 "targets-MIN_NUM_FORMS": "0", "targets-MAX_NUM_FORMS": "1000"})
    response = client.post(url, post)
    assert response.status_code == 409
    moe.refresh_from_db()
    assert moe.name != "Lost update"


def test_two_analysts_filling_the_same_empty_grid_cell(client, analyst_a, agency_a):
    """Both opened the grid while the cell was empty; the second save is a conflict."""
    colleague = factories.AnalystFactory(username="colleague", agency=agency_a)
    program = factories.ProgramFactory(lead_agency=agency_a, status=ProgramStatus.PROPOSED, start_fy=2025, end_fy=2027)
    moe = factories.MoeFactory(program=program)
    url = reverse("programs:measurement-grid", args=[program.pk])
    cell = f"{moe.pk}_FY2026-Q1"
    client.force_login(analyst_a)
    opened = _bound_values(client.get(url, {"fy": "2026"}).context["form"])
    assert opened[f"version_{cell}"] == ""
    client.force_login(colleague)
    assert client.post(url, {**opened, "fy": "2026", f"value_{cell}": "12"}).status_code == 302
    client.force_login(analyst_a)
    response = client.post(url, {**opened, "fy": "2026", f"value_{cell}": "15"})
    assert response.status_code == 409
    assert b"colleague" in response.content
    stored = moe.measurements.get()
    assert (stored.value, stored.entered_by, stored.status) == (Decimal("12"), colleague, MeasurementStatus.DRAFT)

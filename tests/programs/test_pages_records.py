"""Pages of the other records: lists (filters, export, query counts), create, edit, archive, history."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import ImplementingPartner, PartnerInstitution
from programs.views.records import KINDS
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_record_list_and_form_renders(client, analyst_a, kind):
    client.force_login(analyst_a)
    assert client.get(reverse("programs:record-list", args=[kind])).status_code == 200
    assert client.get(reverse("programs:record-create", args=[kind])).status_code == 200
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("programs:record-export", args=[kind, fmt])).status_code == 200


def test_unknown_kind_is_404(client, analyst_a):
    client.force_login(analyst_a)
    assert client.get(reverse("programs:record-list", args=["spaceships"])).status_code == 404


def test_institution_list_query_count_does_not_grow(client, analyst_a):
    client.force_login(analyst_a)
    url = reverse("programs:record-list", args=["institutions"])
    factories.PartnerInstitutionFactory()
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(20):
        institution = factories.PartnerInstitutionFactory()
        factories.ProgramFactory().partner_institutions.add(institution)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert response.content.count(b"National Police Unit") == 21


@pytest.mark.parametrize("kind", ["objectives", "strategies", "vetting", "donor-engagements", "implementing-partners"])
def test_other_lists_query_count_does_not_grow(client, analyst_a, kind):
    from programs.models import DonorEngagement, Goal, Objective, OtherDonor, Sector, Strategy, Vetting
    import datetime as dt

    def add(n):
        for i in range(n):
            strategy = Strategy.objects.create(title=f"S{kind}{i}{n}", scope="country", country=factories.country("KEN"), start_fy=2026, end_fy=2028)
            objective = Objective.objects.create(strategy=strategy, code=str(i), description="d")
            objective.goals.set([Goal.objects.get(code="1.e")])
            Vetting.objects.create(institution=factories.PartnerInstitutionFactory(), requested_on=dt.date(2026, 1, 1))
            donor = OtherDonor.objects.create(name=f"D{i}-{n}", kind="bilateral")
            DonorEngagement.objects.create(donor=donor, country=factories.country("KEN"), sector=Sector.objects.first(), start_fy=2026, end_fy=2027)
            ImplementingPartner.objects.create(name=f"IP{i}-{n}", kind="ngo")

    client.force_login(analyst_a)
    url = reverse("programs:record-list", args=[kind])
    add(2)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(12)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_create_institution_with_bad_input_names_fields(client, analyst_a):
    client.force_login(analyst_a)
    url = reverse("programs:record-create", args=["institutions"])
    response = client.post(url, {"country": "", "name": "x" * 300, "institution_type": "bogus", "nature": "civilian", "level": "national"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Country: This field is required." in html
    assert "Name: Ensure this value has at most 250 characters" in html
    assert "Institution type: Select a valid choice." in html
    assert not PartnerInstitution.objects.exists()


def test_create_edit_stale_and_history(client, analyst_a, analyst_b):
    client.force_login(analyst_a)
    kenya = factories.country("KEN")
    post = {"country": kenya.pk, "name": "Coast Guard", "institution_type": "security_provider", "nature": "military", "level": "national"}
    assert client.post(reverse("programs:record-create", args=["institutions"]), post).status_code == 302
    institution = PartnerInstitution.objects.get()
    edit = reverse("programs:record-edit", args=["institutions", institution.pk])
    token = client.get(edit).context["form"].initial["version"]
    assert client.post(edit, {**post, "name": "Coast Guard HQ", "version": token}).status_code == 302
    stale = client.post(edit, {**post, "name": "Coast Guard North", "version": token})
    assert stale.status_code == 409
    assert b"Coast Guard HQ" in stale.content and b"Not saved." in stale.content
    history = client.get(reverse("programs:record-history", args=["institutions", institution.pk]))
    assert b"Coast Guard HQ" in history.content and b"diff-old" in history.content


def test_strategy_scope_errors_name_fields(client, analyst_a):
    client.force_login(analyst_a)
    response = client.post(
        reverse("programs:record-create", args=["strategies"]),
        {"title": "Bad", "scope": "country", "start_fy": "2030", "end_fy": "2026", "summary": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Country: A country strategy names its country." in html
    assert "End fiscal year: The end fiscal year (FY2026) cannot be before" in html


def test_archive_and_restore_pages(client, analyst_a, manager):
    partner = ImplementingPartner.objects.create(name="Acme", kind="contractor")
    client.force_login(analyst_a)
    client.post(reverse("programs:record-archive", args=["implementing-partners", partner.pk]), {"version": "1"})
    partner.refresh_from_db()
    assert partner.is_archived
    listing = client.get(reverse("programs:record-list", args=["implementing-partners"]))
    assert b"Acme" not in listing.content.split(b"<tbody>")[-1] if b"<tbody>" in listing.content else True
    assert client.post(reverse("programs:record-restore", args=["implementing-partners", partner.pk])).status_code == 403
    client.force_login(manager)
    stale = client.post(reverse("programs:record-restore", args=["implementing-partners", partner.pk]),
                        {"version": "1"}, follow=True)
    assert "your version 1, now 2" in stale.content.decode()
    assert ImplementingPartner.objects.get(pk=partner.pk).is_archived
    client.post(reverse("programs:record-restore", args=["implementing-partners", partner.pk]), {"version": "2"})
    partner.refresh_from_db()
    assert not partner.is_archived


def test_user_without_role_gets_403_on_create(client):
    nobody = factories.UserFactory()
    client.force_login(nobody)
    assert client.get(reverse("programs:record-create", args=["institutions"])).status_code == 403


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_record_kind_has_a_name_for_people(kind):
    """Edit and history pages title a record by ``str(record)``: Django's default
    ("Vetting object (93)") is no name (vetting and donor engagements had it)."""
    from django.db import models

    assert KINDS[kind].model.__str__ is not models.Model.__str__


def test_vetting_and_engagement_titles_say_what_they_are(client, analyst_a):
    import datetime as dt

    from programs.models import DonorEngagement, OtherDonor, Sector, Vetting

    vetting = Vetting.objects.create(institution=factories.PartnerInstitutionFactory(), unit_name="3rd Battalion",
                                     reference="INV-77", requested_on=dt.date(2026, 3, 4))
    engagement = DonorEngagement.objects.create(
        donor=OtherDonor.objects.create(name="Donor X", kind="bilateral"), country=factories.country("KEN"),
        sector=Sector.objects.first(), start_fy=2026, end_fy=2027, description="Border police   training")
    assert str(vetting) == "3rd Battalion, INV-77, requested Mar 4, 2026"
    assert str(engagement) == "Border police training (FY2026-FY2027)"
    client.force_login(analyst_a)
    page = client.get(reverse("programs:record-edit", args=["vetting", vetting.pk])).content.decode()
    assert "3rd Battalion, INV-77, requested Mar 4, 2026" in page and "object (" not in page

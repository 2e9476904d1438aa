"""The scenario workbook: lines, countries and envelopes, one sheet each (XLSX), through
infrastructure.exports so text cells are formula-injection safe."""
from __future__ import annotations

import tablib
from django.http import HttpResponse
from django.utils import timezone

from assessments.models import band_label
from infrastructure.exports import FORMATS, dataset

from . import selectors
from .models import Scenario

LINE_COLUMNS = [
    ("Country", "country.name"), ("ISO3", "country.iso3"), ("Account", "account"), ("Allocation USD", "amount"),
    ("Commitments USD", "commitment"), ("Current plan USD", "current_plan"), ("Change USD", "change"),
    ("Eligible", "eligible"), ("Binding", "binding"),
]
COUNTRY_COLUMNS = [
    ("Country", "country.name"), ("ISO3", "country.iso3"), ("Weight (score / 100)", "weight"), ("Band", lambda outcome: band_label(outcome.band) if outcome.band else ""),
    ("Not eligible because", "ineligible_reason"), ("Minimum USD", "minimum"), ("Ceiling USD", "ceiling"),
    ("Allocation USD", "total"), ("Current plan USD", "current_plan"), ("Benefit (weighted $M)", "benefit"),
    ("Ceiling binds", "ceiling_binds"), ("Minimum binds", "minimum_binds"),
    ("Value of one more $M of ceiling", "ceiling_dual"),
]
ENVELOPE_COLUMNS = [
    ("Account", "account"), ("Envelope USD", "amount"), ("Allocated USD", "allocated"),
    ("Value of one more $M", "dual"),
]


def scenario_workbook(scenario: Scenario) -> HttpResponse:
    """An XLSX download of ``scenario``'s stored result (three queries)."""
    book = tablib.Databook([
        dataset(selectors.scenario_lines(scenario), LINE_COLUMNS, title="Allocation"),
        dataset(selectors.scenario_outcomes(scenario), COUNTRY_COLUMNS, title="Countries"),
        dataset(selectors.scenario_envelopes(scenario), ENVELOPE_COLUMNS, title="Envelopes"),
    ])
    response = HttpResponse(book.export("xlsx"), content_type=FORMATS["xlsx"])
    stem = f"allocation-fy{scenario.fiscal_year}-{scenario.pk}"
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate().isoformat()}.xlsx"'
    return response

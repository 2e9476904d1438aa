"""What both Schemathesis runs share: the checks, the schema the API serves, the seeded
data with a write token (the fixture keeping the test's transaction open across WSGI
requests, ``wsgi_keeps_test_connection``, is in tests/conftest.py).

tests/api/test_schemathesis.py is the bounded run in CI; the long run with the coverage
phase and two callers is tests/security/test_api_schemathesis_slow.py.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import schemathesis
from django.core.wsgi import get_wsgi_application
from schemathesis.generation.modes import GenerationMode

from api.tokens import api_token_issue
from assessments.models import AssessmentStatus, CountryAssessment
from evaluations.models import Evaluation, Recommendation
from programs import models as m
from tests import factories
from tests.factories import assessments as assessment_factories

UNTHROTTLED = {"api_read": "1000000/minute", "api_write": "1000000/minute"}


def api_schema(*, coverage: bool):
    """The schema the API serves at /api/v1/schema/ (generated in process), called through
    Django's WSGI application. ``coverage`` switches on the phase that tries every boundary
    of every parameter (hundreds of requests per operation)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    schema.config.phases.coverage.enabled = coverage
    schema.hooks.hook(map_case)
    return schema


def seeded_write_token(user, settings, label: str) -> str:
    """Unthrottle the API, create linked data that the generated requests name (programs
    with funding, MOEs with targets and measurements in each state, reviews, crises,
    assessments in each state, evaluations with recommendations), and issue ``user`` a
    write token."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": UNTHROTTLED}
    program = factories.program_full()
    factories.review(program)
    factories.crisis()
    moe = factories.MoeFactory(program=program)
    for period, status in (("FY2026-Q2", m.MeasurementStatus.DRAFT), ("FY2026-Q3", m.MeasurementStatus.SUBMITTED)):
        factories.MeasurementFactory(moe=moe, period=period, status=status)
    author = factories.ManagerFactory()  # not the token's user, who may then approve them
    for iso3, status in (("KEN", AssessmentStatus.DRAFT), ("UGA", AssessmentStatus.SUBMITTED)):
        assessment_factories.assessment(country=factories.country(iso3), author=author, status=status)
    evaluation = Evaluation.objects.create(program=program, evaluation_type="performance", title="Midterm",
                                           evaluator="GAO", started_on=dt.date(2026, 1, 1))
    Recommendation.objects.create(evaluation=evaluation, text="Add a baseline", owner="DOS/INL",
                                  due_on=dt.date(2026, 9, 1))
    strategy = m.Strategy.objects.create(title="Kenya ICS", scope="country", country=factories.country("KEN"),
                                         start_fy=2026, end_fy=2028)
    m.Objective.objects.create(strategy=strategy, code="1", description="Professional police")
    _, token = api_token_issue(user=user, label=label, can_write=True)
    return token


# --- linked data: schema-valid requests that name rows which exist ---------------------
# A random id in a body names no row (a 400 naming the field, rightly), so valid generated
# requests would almost never get past validation. Valid (positive) cases have their
# references swapped for ids of the seeded rows; the path id, for half of them, too; and
# rules OpenAPI 3.0 cannot state (between two fields, or relative to today) are kept.

REFERENCES = {
    "program": m.Program, "moe": m.MeasureOfEffectiveness, "lead_agency": m.Agency, "supporting_agencies": m.Agency,
    "country": m.Country, "countries": m.Country, "partner_institutions": m.PartnerInstitution, "goals": m.Goal,
    "objectives": m.Objective, "long_term_objective": m.Objective, "sectors": m.Sector,
    "implementing_partners": m.ImplementingPartner,
}
PATH_MODELS = {
    "programs": m.Program, "moes": m.MeasureOfEffectiveness, "measurements": m.Measurement,
    "assessments": CountryAssessment, "evaluations": Evaluation, "recommendations": Recommendation,
    "countries": m.Country, "regions": m.Region, "agencies": m.Agency,
    "goals": m.Goal, "sectors": m.Sector, "partner-institutions": m.PartnerInstitution,
    "implementing-partners": m.ImplementingPartner, "reviews": m.ProgramReview, "crisis-events": m.CrisisEvent,
}


# Query filters that name rows (an unknown code or id is a 400 naming the filter): a valid
# request names an existing one, by id (integer filters) or by code (text filters).
QUERY_MODELS = {
    "country": m.Country, "agency": m.Agency, "lead_agency": m.Agency, "goal": m.Goal, "parent": m.Goal,
    "region": m.Region, "sector": m.Sector, "program": m.Program, "moe": m.MeasureOfEffectiveness,
    "evaluation": Evaluation,
}  # every CodeFilter and IdFilter name of the API's FilterSets
CODE_FIELDS = {m.Country: "iso3", m.Agency: "code", m.Goal: "code", m.Region: "code", m.Sector: "dac_code"}


def _existing_reference(model, value: Any, seed: int) -> Any:
    """An existing row's id (for an integer) or code (for text) in place of ``value``."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return value
    if isinstance(value, int) or model not in CODE_FIELDS:
        return _existing(model, seed) or value
    codes = list(model.objects.order_by("pk").values_list(CODE_FIELDS[model], flat=True)[:100])
    return codes[seed % len(codes)] if codes else value


def _existing(model, seed: int) -> int | None:
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True)[:100])
    return ids[seed % len(ids)] if ids else None


def _database_open() -> bool:
    """False while collecting: Schemathesis' coverage phase builds cases before any test
    may touch the database (pytest-django refuses), and those cases are left as generated."""
    from django.db import connection

    try:
        connection.ensure_connection()
    except RuntimeError:
        return False
    return True


def _swap(body: dict[str, Any]) -> None:
    for name, model in REFERENCES.items():
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            body[name] = _existing(model, value) or value
        elif isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            body[name] = list(dict.fromkeys(_existing(model, v) or v for v in value))


def _scores_for_current_framework(scores: dict[str, Any]) -> dict[str, Any]:
    """Criterion codes name rows too: the generated score inputs, under the current
    framework's codes (every one, as the services require)."""
    from assessments.selectors import framework_current

    inputs = list(scores.values()) or [{"score": 3, "justification": "Evidence."}]
    codes = framework_current().criteria.values_list("code", flat=True)
    return {code: inputs[index % len(inputs)] for index, code in enumerate(codes)}


def _allocation_input_named(item: dict, seed: int, *, tier_allowed: bool) -> None:
    """An allocation line that names an existing country (ISO3), or only a tier."""
    if tier_allowed and "tier" in item and "country" in item:
        item.pop("country")
    if "country" in item or not (tier_allowed and "tier" in item):
        codes = list(m.Country.objects.order_by("pk").values_list("iso3", flat=True)[:50])
        item["country"] = codes[seed % len(codes)]


def _allocation_lines_distinct(body: dict) -> None:
    """Within one scenario body: each account has one envelope, each country (or tier) one
    minimum and one ceiling, and a restriction names one of the body's envelopes."""
    def distinct(items: list, key) -> list:
        seen, kept = set(), []
        for item in items:
            k = key(item) if isinstance(item, dict) else id(item)
            if k not in seen:
                seen.add(k)
                kept.append(item)
        return kept

    body["envelopes"] = distinct(body["envelopes"], lambda e: str(e.get("account", "")).strip())
    accounts = [str(e.get("account", "")).strip() for e in body["envelopes"] if isinstance(e, dict)]
    for name in ("minimums", "ceilings"):
        if isinstance(body.get(name), list):
            body[name] = distinct(body[name], lambda i: (i.get("country"), i.get("tier")))
    if isinstance(body.get("restrictions"), list):
        if not accounts:
            body["restrictions"] = []
        for index, item in enumerate(body["restrictions"]):
            if isinstance(item, dict):
                item["account"] = accounts[index % len(accounts)]
        body["restrictions"] = distinct(body["restrictions"], lambda i: (i.get("country"), i.get("account")))


def _period_started(code: str) -> str:
    """A generated period code moved to last fiscal year if it has not started (unreadable
    codes are left for the API to refuse)."""
    from programs.fiscal import Period, current_fiscal_year

    try:
        period = Period.parse(code)
    except ValueError:
        return code
    if period.start <= dt.date.today():
        return code
    return Period(current_fiscal_year() - 1, period.kind, period.number).code


def _target_of_frequency(target: Any, frequency: str) -> Any:
    """A generated target whose period is of the MOE's frequency (its fiscal year kept)."""
    if not isinstance(target, dict) or not isinstance(target.get("period"), str):
        return target
    year = "".join(ch for ch in target["period"][:6] if ch.isascii() and ch.isdigit())[:4]
    if len(year) != 4:
        return target
    suffix = {"quarterly": "-Q1", "semi_annual": "-H1"}.get(frequency, "")
    return {**target, "period": f"FY{year}{suffix}"}


def _within_moe_range(value: Any, body: dict) -> Any:
    """A generated value, target or baseline within the MOE's range as the body states it
    (``api.serializers.measures.VALUE_RULE``): not negative, and at most 100 for a percent
    unit, unless the MOE allows negative values."""
    if not isinstance(value, str) or body.get("allows_negative") is True:
        return value
    try:
        number = abs(Decimal(value))
    except ArithmeticError:
        return value
    if m.unit_is_percent(str(body.get("unit", ""))):
        number = min(number, m.PERCENT_MAX)
    return format(number, "f")


def _within_country_scope(body: dict, program_id: Any) -> None:
    """("objectives, partner_institutions: of the program's countries", a rule between
    fields and rows: ``programs.services.programs.check_country_scope``.) A valid program
    body keeps the chosen objectives and partner institutions of its countries (the body's,
    else the program's) and those the program already has."""
    from programs.selectors.country_scope import institutions_of_countries, objectives_of_countries

    program = m.Program.objects.filter(pk=program_id).first() if isinstance(program_id, int) else None
    if isinstance(body.get("countries"), list):
        countries = [c for c in body["countries"] if isinstance(c, int)]
    else:
        countries = list(program.countries.values_list("pk", flat=True)) if program else []
    for name, in_scope, had in (
            ("objectives", objectives_of_countries, program.objectives if program else None),
            ("partner_institutions", institutions_of_countries, program.partner_institutions if program else None)):
        chosen = body.get(name)
        if isinstance(chosen, list) and all(isinstance(v, int) for v in chosen):
            allowed = set(in_scope(countries).filter(pk__in=chosen).values_list("pk", flat=True))
            allowed |= set(had.values_list("pk", flat=True)) if had is not None else set()
            body[name] = [v for v in chosen if v in allowed]
    chosen = body.get("long_term_objective")
    if isinstance(chosen, int) and not isinstance(chosen, bool) and not (
            (program and program.long_term_objective_id == chosen)
            or objectives_of_countries(countries).filter(pk=chosen).exists()):
        body["long_term_objective"] = None


def _year_within(year: int, program: m.Program) -> int:
    return min(max(year, program.start_fy), program.end_fy)


def _fit_to_stored_records(case, resource: str, path_id: Any) -> None:
    """(Rules relative to the rows a body names, 400s when broken: a period of the MOE's
    frequency within its program's years, funding within the program's years, an MOE
    kept in its program.) A valid body names values that fit the stored records."""
    body = case.body
    moe_id = body.get("moe") if resource == "measurements" else path_id if case.path.endswith("/targets/") else None
    moe = m.MeasureOfEffectiveness.objects.select_related("program").filter(pk=moe_id).first() \
        if isinstance(moe_id, int) and not isinstance(moe_id, bool) else None
    if moe is not None and isinstance(body.get("period"), str):
        digits = "".join(ch for ch in body["period"][:6] if ch.isascii() and ch.isdigit())[:4]
        if len(digits) == 4:
            year = _year_within(int(digits), moe.program)
            body["period"] = _target_of_frequency({"period": f"FY{year}"}, moe.frequency)["period"]
    if resource == "programs" and case.path.endswith("/funding/") and isinstance(body.get("fiscal_year"), int):
        program = m.Program.objects.filter(pk=path_id).first() if isinstance(path_id, int) else None
        if program is not None:
            body["fiscal_year"] = _year_within(body["fiscal_year"], program)
    if resource == "moes" and case.method.upper() == "PATCH" and "program" in body and isinstance(path_id, int):
        stored = m.MeasureOfEffectiveness.objects.filter(pk=path_id).values_list("program_id", flat=True).first()
        if stored is not None:
            body["program"] = stored


def map_case(context, case):
    """Schemathesis hook: positive cases name existing rows (see above)."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE or not _database_open():
        return case
    if isinstance(case.body, dict):
        _swap(case.body)
        if isinstance(case.body.get("scores"), dict):
            case.body["scores"] = _scores_for_current_framework(case.body["scores"])
        # OpenAPI 3.0 cannot state a rule between two fields ("end_fy: Not before start_fy."
        # in the schema's words); a valid program names its years in order.
        if isinstance(case.body.get("start_fy"), int) and isinstance(case.body.get("end_fy"), int):
            case.body["start_fy"], case.body["end_fy"] = sorted((case.body["start_fy"], case.body["end_fy"]))
            # ("funding: fiscal years within start_fy..end_fy", in the same body)
            for row in case.body.get("funding") or []:
                if isinstance(row, dict) and isinstance(row.get("fiscal_year"), int):
                    row["fiscal_year"] = min(max(row["fiscal_year"], case.body["start_fy"]), case.body["end_fy"])
        # Allocation inputs name countries by ISO3 code (references, like ids: existing ones),
        # and a minimum names a country or a tier, not both ("Give either ...").
        for name in ("minimums", "ceilings", "restrictions"):
            for index, item in enumerate(case.body.get(name) or []):
                if isinstance(item, dict):
                    _allocation_input_named(item, index, tier_allowed=name == "minimums")
        if isinstance(case.body.get("envelopes"), list):
            _allocation_lines_distinct(case.body)
        # ("targets: periods of the MOE's frequency", in the same body of a new MOE)
        if isinstance(case.body.get("targets"), list) and case.body.get("frequency"):
            case.body["targets"] = [_target_of_frequency(t, case.body["frequency"]) for t in case.body["targets"]]
        # (a baseline, target or measured value within its MOE's range; the seeded MOEs
        # are neither percentages nor allow negative values)
        if "baseline_value" in case.body:
            case.body["baseline_value"] = _within_moe_range(case.body["baseline_value"], case.body)
        if isinstance(case.body.get("targets"), list):
            for target in case.body["targets"]:
                if isinstance(target, dict) and "value" in target:
                    target["value"] = _within_moe_range(target["value"], case.body)
        if "value" in case.body and "period" in case.body:
            case.body["value"] = _within_moe_range(case.body["value"], case.body)
        # ("supporting_agencies: Not the lead agency.")
        if isinstance(case.body.get("supporting_agencies"), list) and "lead_agency" in case.body:
            case.body["supporting_agencies"] = [a for a in case.body["supporting_agencies"]
                                                if a != case.body["lead_agency"]]
        # nor one relative to the day of the request ("assessed_on: Not in the future.", and
        # the measured dates: programs.models.measured_date_problem)
        for name in ("assessed_on", "collected_on", "baseline_date"):
            if isinstance(case.body.get(name), str) and case.body[name] > dt.date.today().isoformat():
                case.body[name] = dt.date.today().isoformat()
        # (a measured value's period has started: measured_period_problem; its kind kept,
        # moved to last fiscal year, which has)
        if "value" in case.body and isinstance(case.body.get("period"), str):
            case.body["period"] = _period_started(case.body["period"])
    for name, model in QUERY_MODELS.items():
        if case.query and name in case.query:
            value = case.query[name]
            case.query[name] = ([_existing_reference(model, v, i) for i, v in enumerate(value)]
                                if isinstance(value, list) else _existing_reference(model, value, len(str(value))))
    path_id = (case.path_parameters or {}).get("id")
    resource = case.path.split("/")[3] if case.path.count("/") > 3 else ""
    if isinstance(path_id, int) and path_id % 2 == 0 and resource in PATH_MODELS:
        case.path_parameters["id"] = _existing(PATH_MODELS[resource], path_id) or path_id
    if resource == "programs" and isinstance(case.body, dict):
        _within_country_scope(case.body, (case.path_parameters or {}).get("id"))
    if isinstance(case.body, dict):
        _fit_to_stored_records(case, resource, (case.path_parameters or {}).get("id"))
    return case

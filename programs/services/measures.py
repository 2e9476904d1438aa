"""Writes of measures of effectiveness, targets and measurements (with their approval).

Analysts of the program's lead agency enter MOEs, targets and measurements and submit
them; managers approve or return them with a reason. Only approved values count in
rollups; changing an approved value needs a rationale and sends it back for approval.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..disaggregation import breakdown_errors
from ..fiscal import Period
from ..models import (
    DisaggregationCategory,
    MeasureOfEffectiveness,
    Measurement,
    MeasurementDisaggregation,
    MeasurementStatus,
    Program,
    Target,
    User,
    measured_period_problem,
    moe_period_error,
    moe_value_problem,
)
from ..signals import measurements_returned, measurements_submitted, program_data_announce
from infrastructure.conflicts import StateConflict
from infrastructure.saving import require_rationale, timestamps_touch, validated_save
from infrastructure.history import with_rationale
from infrastructure.versioning import check_version
from .rules import ensure_four_eyes, ensure_writable
from .programs import is_approved_data

MOE_FIELDS = (
    "name",
    "kind",
    "unit",
    "allows_negative",
    "direction",
    "is_cumulative",
    "frequency",
    "baseline_value",
    "baseline_date",
    "weight",
    "means_of_verification",
)
MEASUREMENT_FIELDS = ("value", "source", "evidence_url", "collected_on")


def _announce(program_id: int, *, moe_id: int | None = None) -> None:
    """A program's MOE data changed: move the ``updated_at`` of the program (and of the MOE
    whose nested targets changed), for sync clients and IATI, and announce it (rollups)."""
    timestamps_touch(Program, [program_id])
    timestamps_touch(MeasureOfEffectiveness, [moe_id])
    program_data_announce(MeasureOfEffectiveness, [program_id])


def _editable(user: User, record: Program | MeasureOfEffectiveness | Measurement) -> None:
    """The user edits the record's program, and neither the record nor a parent is archived.
    ``record``'s parents up to the program must be loaded (select_related)."""
    program = record if isinstance(record, Program) else (record.program if isinstance(record, MeasureOfEffectiveness) else record.moe.program)
    permissions.require_program_editor(user, program)
    ensure_writable(record)


def parse_period(
    code: str, *, program: Program, moe: MeasureOfEffectiveness | None = None, field: str = "period"
) -> Period:
    """A period code inside the program's fiscal years and, given ``moe``, of the MOE's own
    frequency (``moe_period_error``); else a ValidationError on ``field`` (HTTP 400 in the
    API: the code sent is wrong for the program or MOE it names, whatever else is stored)."""
    try:
        period = Period.parse(code or "")
    except ValueError as exc:
        raise ValidationError({field: str(exc)}) from exc
    if not program.start_fy <= period.fiscal_year <= program.end_fy:
        raise ValidationError(
            {field: f"{period.code} is outside the program's years FY{program.start_fy}-FY{program.end_fy}."}
        )
    error = moe_period_error(moe, period) if moe is not None else None
    if error:
        raise ValidationError({field: error})
    return period


def _check_frequency_change(moe: MeasureOfEffectiveness, *, targets_replaced: bool) -> None:
    """Refuse a frequency that the MOE's recorded values (and kept targets) do not follow."""
    periods = set(moe.measurements.values_list("period", flat=True))
    if not targets_replaced:
        periods |= set(moe.targets.values_list("period", flat=True))
    check_frequency_fits(moe, periods)


def check_frequency_fits(moe: MeasureOfEffectiveness, periods: Iterable[str]) -> None:
    """Refuse (StateConflict on "frequency": the stored values decide, 409) an MOE frequency
    that these stored period codes (its measurements and kept targets) do not follow.
    Issues no query; the services and the importer share it."""
    misfits = sorted(
        (p for p in map(Period.parse, set(periods)) if moe_period_error(moe, p)), key=lambda p: p.end
    )
    if misfits:
        listed = ", ".join(p.code for p in misfits[:12]) + (" ..." if len(misfits) > 12 else "")
        raise StateConflict(  # the stored values decide: 409
            {"frequency": f"Values or targets exist for {listed}, which a {moe.get_frequency_display().lower()} "
                          "MOE cannot hold; change them first."}
        )


# The MOE fields the value rule (programs.models.moe_value_problem) reads.
RULE_FIELDS = ("unit", "allows_negative")


def check_values_fit(
    moe: MeasureOfEffectiveness, before: Mapping[str, Any], stored: Iterable[tuple[str, str, Decimal]]
) -> None:
    """Refuse a change of ``moe``'s unit or negative-values flag (``before``: their values
    as stored) under which ``stored`` values break ``moe_value_problem``: a StateConflict
    (the stored values decide: 409) on each changed field, saying how many values break
    it and for which periods. ``stored``: (what, period code, value) with ``what``
    "value" (a measurement) or "target", the rows the change keeps (not the targets a
    caller replaces: those are checked as they are saved). Issues no query; the services
    and the importer share it. No rule field changed: nothing to check."""
    changed = [name for name in RULE_FIELDS if getattr(moe, name) != before[name]]
    if not changed:
        return
    broken: dict[str, list[Period]] = {}
    first: tuple[Period, str] | None = None
    for what, code, value in stored:
        problem = moe_value_problem(value, unit=moe.unit, allows_negative=moe.allows_negative)
        if problem:
            period = Period.parse(code)
            broken.setdefault(what, []).append(period)
            if first is None or period.end < first[0].end:
                first = (period, problem)
    if first is None:
        return
    count = sum(len(periods) for periods in broken.values())
    listed = "; ".join(
        f"{'values' if what == 'value' else 'targets'} of {_periods_listed(periods)}"
        for what, periods in sorted(broken.items(), key=lambda item: item[0] != "value")
    )
    raise StateConflict({  # the stored values decide: 409
        name: f"With {_rule_setting(moe.unit if name == 'unit' else moe.allows_negative, name)}, {count} stored "
              f"value{'s' if count != 1 else ''} would be refused: {listed} ({first[0].code}: {first[1]}) Correct "
              f"them first, or keep {_rule_setting(before[name], name)}."
        for name in changed
    })


def _rule_setting(value: Any, name: str) -> str:
    """"the unit 'percent'", "negative values allowed" or "negative values not allowed"."""
    if name == "unit":
        return f"the unit '{value}'"
    return "negative values allowed" if value else "negative values not allowed"


def _periods_listed(periods: list[Period], *, limit: int = 12) -> str:
    codes = [p.code for p in sorted(periods, key=lambda p: (p.end, p.code))]
    return ", ".join(codes[:limit]) + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def _values_kept(moe: MeasureOfEffectiveness, targets: list[Mapping[str, Any]] | None) -> list[tuple[str, str, Decimal]]:
    """The MOE's stored measurements and the stored targets an update keeps: all of them,
    or with ``targets`` (a replacement) those it restates with the same value (a changed or
    new target is checked as it is saved, a dropped one is deleted). Two queries."""
    kept: list[tuple[str, str, Decimal]] = [("value", code, value) for code, value in moe.measurements.values_list("period", "value")]
    wanted: dict[str, Any] = {}
    for item in targets or ():
        try:
            wanted[Period.parse(item["period"]).code] = Decimal(str(item["value"]))
        except (ValueError, KeyError, TypeError, ArithmeticError):
            continue  # _save_targets reports it
    for code, value in moe.targets.values_list("period", "value"):
        if targets is None or wanted.get(code) == value:
            kept.append(("target", code, value))
    return kept


@transaction.atomic
def moe_create(
    *,
    user: User,
    program: Program,
    data: Mapping[str, Any],
    targets: Iterable[Mapping[str, Any]] = (),
    categories: Iterable[tuple[str, str]] = (),
) -> MeasureOfEffectiveness:
    """Create an MOE with its per-period targets and disaggregation categories."""
    _editable(user, program)
    moe = MeasureOfEffectiveness(program=program, **{k: data[k] for k in MOE_FIELDS if k in data})
    validated_save(moe, user=user, exclude=["program"])
    _save_targets(moe, targets, user=user)
    for dimension, name in categories:
        validated_save(DisaggregationCategory(moe=moe, dimension=dimension, name=name), user=user, exclude=["moe"])
    _announce(program.pk)
    return moe


@transaction.atomic
def moe_update(
    *,
    user: User,
    moe: MeasureOfEffectiveness,
    data: Mapping[str, Any],
    version: int | None,
    targets: Iterable[Mapping[str, Any]] | None = None,
    rationale_category: str = "",
    rationale: str = "",
    categories: Iterable[tuple[str, str]] | None = None,
) -> MeasureOfEffectiveness:
    """Update an MOE (and, if given, replace its targets and disaggregation categories).

    Refused when the MOE or its program is archived, or when it would change and
    ``version`` (the MOE's, as read) is missing or stale (StaleVersionError), or when ``data`` names another program (ValidationError:
    an MOE stays with its program). Removed
    targets and categories are deleted with the author and rationale in their history.
    """
    moe = MeasureOfEffectiveness.objects.select_for_update().select_related("program").get(pk=moe.pk)
    _editable(user, moe)
    if "program" in data and getattr(data["program"], "pk", data["program"]) != moe.program_id:
        raise ValidationError({"program": "An MOE cannot move to another program; create it under the other program instead."})
    before = {k: getattr(moe, k) for k in MOE_FIELDS}
    for key in MOE_FIELDS:
        if key in data:
            setattr(moe, key, data[key])
    changed = any(getattr(moe, k) != before[k] for k in MOE_FIELDS)
    targets = list(targets) if targets is not None else None
    if moe.frequency != before["frequency"]:
        _check_frequency_change(moe, targets_replaced=targets is not None)
    if any(getattr(moe, name) != before[name] for name in RULE_FIELDS):
        check_values_fit(moe, before, _values_kept(moe, targets))
    targets_changed = targets is not None and _targets_differ(moe, targets)
    categories = list(categories) if categories is not None else None
    categories_changed = categories is not None and set(categories) != set(
        moe.disaggregation_categories.values_list("dimension", "name")
    )
    if not (changed or targets_changed or categories_changed):
        return moe  # nothing changes, so nothing can be lost: no version needed
    check_version(moe, version)
    if is_approved_data(moe.program):
        require_rationale(rationale_category, rationale)
    # Targets and categories are part of the MOE (its API representation): they move its
    # version too, so two writers replacing them cannot both win.
    moe.version += 1
    validated_save(moe, user=user, rationale_category=rationale_category, rationale=rationale, exclude=["program"])
    if targets_changed:
        _save_targets(moe, targets, user=user, rationale_category=rationale_category, rationale=rationale, replace=True)
    if categories_changed:
        _replace_categories(moe, categories, user=user, rationale_category=rationale_category, rationale=rationale)
    _announce(moe.program_id, moe_id=moe.pk if targets_changed else None)
    return moe


def _replace_categories(
    moe: MeasureOfEffectiveness, categories: list[tuple[str, str]], *, user: User,
    rationale_category: str = "", rationale: str = "",
) -> None:
    """Add the missing categories; remove the dropped ones unless values were recorded for them."""
    existing = {(c.dimension, c.name): c for c in moe.disaggregation_categories.all()}
    for pair in categories:
        if pair not in existing:
            validated_save(DisaggregationCategory(moe=moe, dimension=pair[0], name=pair[1]), user=user, exclude=["moe"])
    dropped = [c for pair, c in existing.items() if pair not in set(categories)]
    in_use = set(
        DisaggregationCategory.objects.filter(pk__in=[c.pk for c in dropped], values__isnull=False).values_list("pk", flat=True)
    )
    for category in dropped:
        if category.pk in in_use:
            raise StateConflict(  # the stored values decide: 409
                {"categories": f'"{category}" has recorded values and cannot be removed.'}
            )
        _delete(category, user=user, rationale_category=rationale_category, rationale=rationale)


def _targets_differ(moe: MeasureOfEffectiveness, targets: list[Mapping[str, Any]]) -> bool:
    current = {t.period: t.value for t in moe.targets.all()}
    try:
        wanted = {Period.parse(t["period"]).code: Decimal(t["value"]) for t in targets}
    except (ValueError, KeyError, ArithmeticError):
        return True  # let _save_targets report the field error
    return current != wanted


def _save_targets(
    moe: MeasureOfEffectiveness,
    targets: Iterable[Mapping[str, Any]],
    *,
    user: User,
    rationale_category: str = "",
    rationale: str = "",
    replace: bool = False,
    versions: Mapping[str, int | None] | None = None,
    errors_under: str | None = "targets",
) -> None:
    """Create, change (and with ``replace`` delete) targets. ``versions`` maps a period
    code to the version of its target the writer read (target_set); without it the targets
    are covered by the MOE's version, already checked by the caller. A target's errors
    are reported under ``errors_under``, its index and its field, with its period
    ("targets.2.value": "FY2027-Q1: Enter a percentage ...", as the API names nested
    fields), or as the target's fields (None: one target, as target_set writes it)."""
    existing = {t.period: t for t in moe.targets.select_for_update()}
    seen: set[str] = set()

    def under(index: int, exc: ValidationError, prefix: str = "") -> ValidationError:
        if errors_under is None:
            return exc
        by_field = exc.message_dict if hasattr(exc, "error_dict") else {"value": exc.messages}
        return ValidationError({
            f"{errors_under}.{index}" if name == "__all__" else f"{errors_under}.{index}.{name}":
                [f"{prefix}{message}" for message in messages]
            for name, messages in by_field.items()
        })

    for index, item in enumerate(targets):
        try:
            period = parse_period(item.get("period", ""), program=moe.program, moe=moe)
        except ValidationError as exc:
            raise under(index, exc) from exc
        if period.code in seen:
            raise under(index, ValidationError({"period": f"{period.code} has two targets."}))
        seen.add(period.code)
        target = existing.get(period.code) or Target(moe=moe, period=period.code)
        if item.get("value") in (None, ""):
            raise under(index, ValidationError({"value": f"{period.code}: enter a target value."}))
        if target.pk and target.value == Decimal(str(item["value"])):
            continue
        if target.pk:
            check_version(target, versions.get(period.code) if versions is not None else target.version)
            target.version += 1
        else:
            check_version(None, versions.get(period.code) if versions is not None else None)
        target.value = item["value"]
        try:
            validated_save(target, user=user, rationale_category=rationale_category, rationale=rationale, exclude=["moe"])
        except ValidationError as exc:
            raise under(index, exc, f"{period.code}: ") from exc
    if replace:
        for code, target in existing.items():
            if code not in seen:
                # Targets are plans, not records; the history keeps the deletion, its author and why.
                _delete(target, user=user, rationale_category=rationale_category, rationale=rationale)


def _delete(record: Target | DisaggregationCategory | MeasurementDisaggregation, *, user: User, rationale_category: str, rationale: str) -> None:
    """Delete a row that belongs to an MOE; its deletion history row names the author and rationale."""
    with_rationale(record, rationale_category, rationale)
    record._history_user = user
    record.delete()


@transaction.atomic
def target_set(
    *, user: User, moe: MeasureOfEffectiveness, period: str, value: Decimal, version: int | None = None,
    rationale_category: str = "", rationale: str = "",
) -> Target:
    """Create or update the target of one MOE for one period.

    ``version`` is the version of that period's target the writer read; None (or 0) means
    "no target yet". A change over another version is refused (StaleVersionError), as is
    any change under an archived MOE or program (ValidationError).
    """
    moe = MeasureOfEffectiveness.objects.select_related("program").get(pk=moe.pk)
    _editable(user, moe)
    code = parse_period(period, program=moe.program, moe=moe).code
    existing = moe.targets.filter(period=code).first()
    if existing is not None and existing.value != Decimal(value) and is_approved_data(moe.program):
        require_rationale(rationale_category, rationale)
    _save_targets(
        moe, [{"period": code, "value": value}], user=user, rationale_category=rationale_category,
        rationale=rationale, versions={code: version}, errors_under=None,
    )
    _announce(moe.program_id, moe_id=moe.pk)
    return moe.targets.get(period=code)


@transaction.atomic
def measurement_record(
    *,
    user: User,
    moe: MeasureOfEffectiveness,
    period: str,
    value: Decimal,
    source: str = "",
    evidence_url: str = "",
    collected_on=None,
    version: int | None = None,
    rationale_category: str = "",
    rationale: str = "",
    breakdown: Mapping[int, Decimal] | None = None,
    breakdown_partial: bool | None = None,
) -> Measurement:
    """Record (create or update) the value of an MOE for a period: one row per MOE and period.

    ``version`` is the version of the stored measurement the writer read; None (or 0)
    means "expected absent". A change over an existing measurement with a missing or
    stale version is refused (StaleVersionError): two analysts filling the same empty cell
    cannot both be told "saved". Refused too under an archived MOE or program.

    A changed approved value needs a rationale and returns to "submitted" for approval.
    ``breakdown`` maps disaggregation category ids to values and replaces the stored
    breakdown (None keeps it); ``breakdown_partial`` (None keeps it) lets a dimension sum
    to less than the value. The breakdown must add up (``programs.disaggregation``), else a
    ValidationError on "breakdown". Rollups count approved values only, so only a change
    to an approved value (which withdraws it) schedules their recompute; drafts do not.
    """
    moe = MeasureOfEffectiveness.objects.select_related("program").get(pk=moe.pk)
    _editable(user, moe)
    code = parse_period(period, program=moe.program, moe=moe).code
    measurement = Measurement.objects.select_for_update().filter(moe=moe, period=code).first()
    new_values = {"value": value, "source": source, "evidence_url": evidence_url, "collected_on": collected_on}
    if breakdown_partial is not None:
        new_values["breakdown_partial"] = bool(breakdown_partial)
    stored = _stored_breakdown(measurement)
    wanted = _wanted_breakdown(moe, breakdown) if breakdown is not None else stored
    withdrawn = False
    if measurement is None:
        check_version(None, version)
        measurement = Measurement(moe=moe, period=code, entered_by=user)
    else:
        unchanged = all(
            getattr(measurement, k) == (Decimal(v) if k == "value" and v is not None else v)
            for k, v in new_values.items()
        )
        if unchanged and _amounts(wanted) == _amounts(stored):
            return measurement  # nothing changes, so nothing can be lost: no version needed
        check_version(measurement, version)
        withdrawn = measurement.status == MeasurementStatus.APPROVED
        if withdrawn:
            require_rationale(rationale_category, rationale)
            measurement.status = MeasurementStatus.SUBMITTED
            measurement.approved_by, measurement.approved_at = None, None
        elif measurement.status == MeasurementStatus.RETURNED:
            measurement.status = MeasurementStatus.DRAFT
        measurement.version += 1
        measurement.entered_by = user
    for key, item in new_values.items():
        setattr(measurement, key, item)
    if value is not None:
        check_breakdown(moe, Decimal(value), wanted, partial=measurement.breakdown_partial)
    validated_save(measurement, user=user, rationale_category=rationale_category, rationale=rationale)
    if breakdown is not None:
        _save_breakdown(measurement, wanted, stored, user=user, rationale_category=rationale_category, rationale=rationale)
    if withdrawn:
        _announce(moe.program_id)
    return measurement


# Why a value in each of these states cannot be removed, and what to do instead: the one
# wording of the rule for the grid, the API and the docs (docs/evaluations.md).
NOT_REMOVABLE = {
    MeasurementStatus.SUBMITTED: (
        "it is submitted for approval and cannot be removed. Ask a manager to return it; "
        "a returned value can be corrected or cleared."
    ),
    MeasurementStatus.APPROVED: (
        "it is approved and cannot be removed. Correct it instead, with a reason; "
        "the correction goes back to a manager for approval."
    ),
}


@transaction.atomic
def measurement_delete(
    *, user: User, measurement: Measurement, version: int | None, rationale_category: str = "", rationale: str = "",
) -> None:
    """Remove a value entered by mistake: a draft or returned measurement, by someone who
    may edit it (the program's editor; nothing archived). ``version`` is the one the writer
    read (missing or stale: StaleVersionError). A submitted or approved value is refused
    (StateConflict on "status", 409, saying what to do: ``NOT_REMOVABLE``). The history
    keeps the deletion with its author, time, the old value (and its breakdown's) and the
    rationale; the program is announced (sync clients, rollups)."""
    measurement = (
        Measurement.objects.select_for_update().select_related("moe__program__lead_agency").get(pk=measurement.pk)
    )
    _editable(user, measurement)
    check_version(measurement, version)
    if measurement.status in NOT_REMOVABLE:
        raise StateConflict({"status": f"{measurement.period}: {NOT_REMOVABLE[measurement.status]}"})
    rationale = rationale or "removed (entered by mistake)"
    for row in measurement.breakdown.all():
        _delete(row, user=user, rationale_category=rationale_category, rationale=rationale)
    program_id = measurement.moe.program_id
    _delete(measurement, user=user, rationale_category=rationale_category, rationale=rationale)
    _announce(program_id)


# A breakdown as loaded for the rule: category id -> (category, value).
Breakdown = dict[int, tuple[DisaggregationCategory, Decimal]]


def _stored_breakdown(measurement: Measurement | None) -> Breakdown:
    if measurement is None:
        return {}
    return {row.category_id: (row.category, row.value) for row in measurement.breakdown.select_related("category")}


def _wanted_breakdown(moe: MeasureOfEffectiveness, breakdown: Mapping[int, Decimal]) -> Breakdown:
    categories = {c.pk: c for c in moe.disaggregation_categories.all()}
    wanted: Breakdown = {}
    for category_id, amount in breakdown.items():
        if category_id not in categories:
            raise ValidationError({"breakdown": "A category does not belong to this measure."})
        if amount is not None:
            wanted[category_id] = (categories[category_id], Decimal(amount))
    return wanted


def _amounts(breakdown: Breakdown) -> dict[int, Decimal]:
    return {pk: amount for pk, (_, amount) in breakdown.items()}


def check_breakdown(moe: MeasureOfEffectiveness, value: Decimal, breakdown: Breakdown, *, partial: bool) -> None:
    """A measurement's category values add up to its ``value`` (at most it when ``partial``):
    ``programs.disaggregation.breakdown_errors`` over loaded rows (no query); else a
    ValidationError on "breakdown". Shared by the services and the importer."""
    errors = breakdown_errors(
        value,
        [(c.dimension, c.name, amount) for c, amount in breakdown.values()],
        partial=partial,
        allows_negative=moe.allows_negative,
        unit=moe.unit,
    )
    if errors:
        raise ValidationError({"breakdown": errors})


def _save_breakdown(
    measurement: Measurement, wanted: Breakdown, stored: Breakdown, *, user: User, rationale_category: str, rationale: str
) -> None:
    """Make the stored category values those of ``wanted`` (history records each change,
    deletions included, with the author and the rationale)."""
    rows = {row.category_id: row for row in measurement.breakdown.all()}
    for category_id, row in rows.items():
        if category_id not in wanted:
            _delete(row, user=user, rationale_category=rationale_category, rationale=rationale)
    for category_id, (category, amount) in wanted.items():
        row = rows.get(category_id)
        if row is None:
            row = MeasurementDisaggregation(measurement=measurement, category=category)
        elif stored[category_id][1] == amount:
            continue
        row.value = amount
        validated_save(row, user=user, rationale_category=rationale_category, rationale=rationale)


@transaction.atomic
def measurements_submit(*, user: User, measurements: Iterable[Measurement]) -> int:
    """Submit draft or returned measurements for approval; returns how many moved."""
    ids = [m.pk for m in measurements]
    rows = list(
        Measurement.objects.select_for_update().select_related("moe__program__lead_agency").filter(pk__in=ids)
    )
    moved = 0
    per_program: Counter[tuple[int, str]] = Counter()
    for measurement in rows:
        _editable(user, measurement)
        if measurement.status not in (MeasurementStatus.DRAFT, MeasurementStatus.RETURNED):
            continue
        measurement.status = MeasurementStatus.SUBMITTED
        measurement.return_reason = ""
        measurement.version += 1
        validated_save(measurement, user=user, rationale="submitted for approval")
        moved += 1
        per_program[(measurement.moe.program_id, measurement.moe.program.code)] += 1
    if per_program:
        measurements_submitted.send(sender=Measurement, program_counts=dict(per_program))
    return moved


def measurement_approve_check(user) -> None:
    """PermissionDenied unless ``user`` may approve measurements (managers): :func:`measurement_approve`
    and the API check it first."""
    permissions.require_manager(user, "approve measurements")


def measurement_return_check(user) -> None:
    """PermissionDenied unless ``user`` may return measurements (managers): :func:`measurement_return`."""
    permissions.require_manager(user, "return measurements")


@transaction.atomic
def measurement_approve(*, user: User, measurement: Measurement, version: int | None = None) -> Measurement:
    """A manager approves a submitted measurement; it then counts in rollups."""
    measurement_approve_check(user)
    measurement = Measurement.objects.select_for_update().select_related("moe__program").get(pk=measurement.pk)
    ensure_writable(measurement)
    check_version(measurement, version)
    if measurement.status != MeasurementStatus.SUBMITTED:
        raise StateConflict({"status": f"Only submitted measurements can be approved (this one is {measurement.get_status_display().lower()})."})
    # entered_by is whoever last changed the content (value, source, breakdown): see measurement_record.
    ensure_four_eyes(approver_id=user.pk, last_author_id=measurement.entered_by_id, noun="measurement")
    measurement.status = MeasurementStatus.APPROVED
    measurement.approved_by, measurement.approved_at = user, timezone.now()
    measurement.version += 1
    validated_save(measurement, user=user, rationale="approved")
    _announce(measurement.moe.program_id)
    return measurement


@transaction.atomic
def measurement_return(*, user: User, measurement: Measurement, reason: str, version: int | None = None) -> Measurement:
    """A manager returns a submitted measurement for revision, with the reason."""
    measurement_return_check(user)
    measurement = Measurement.objects.select_for_update().select_related("moe__program").get(pk=measurement.pk)
    ensure_writable(measurement)
    check_version(measurement, version)
    if measurement.status != MeasurementStatus.SUBMITTED:
        raise StateConflict({"status": "Only submitted measurements can be returned."})
    if not (reason or "").strip():
        raise ValidationError({"return_reason": "Say what needs revising."})
    measurement.status, measurement.return_reason = MeasurementStatus.RETURNED, reason.strip()
    measurement.version += 1
    validated_save(measurement, user=user, rationale=f"returned: {reason.strip()}")
    measurements_returned.send(sender=Measurement, measurements=[measurement], reason=reason.strip())
    return measurement


@transaction.atomic
def measurement_grid_record(
    *,
    user: User,
    program: Program,
    cells: Iterable[Mapping[str, Any]],
    rationale_category: str = "",
    rationale: str = "",
    submit: bool = False,
    periods: Iterable[str] = (),
) -> dict[str, int]:
    """Record a grid of values (one per MOE and period) in one transaction: all or nothing.

    Each cell is ``{"key", "moe", "period", "value", "version"}`` plus, for a cleared cell
    (``value`` None), its stored ``measurement``, which is removed (``measurement_delete``:
    drafts and returned values only). Errors are collected per cell under ``value_<key>`` so
    the grid shows each next to its input. With ``submit``, the program's draft and returned
    measurements of those of ``periods`` that have started are then submitted. Returns
    {"recorded": n, "resubmitted": k, "removed": r, "submitted": m}: of the n values saved,
    k were approved values whose correction went back for approval (``measurement_record``).
    """
    _editable(user, program)
    errors: dict[str, list[str]] = {}
    recorded = resubmitted = removed = 0
    for cell in cells:
        if cell["moe"].program_id != program.pk:
            raise ValidationError({"__all__": "A measure in the grid does not belong to this program."})
        try:
            with transaction.atomic():
                if cell["value"] is None:
                    measurement_delete(user=user, measurement=cell["measurement"], version=cell.get("version"),
                                       rationale_category=rationale_category, rationale=rationale)
                    removed += 1
                    continue
                saved = measurement_record(
                    user=user,
                    moe=cell["moe"],
                    period=cell["period"],
                    value=cell["value"],
                    version=cell.get("version"),
                    rationale_category=rationale_category,
                    rationale=rationale,
                )
            recorded += 1
            resubmitted += saved.status == MeasurementStatus.SUBMITTED  # a corrected approved value
        except ValidationError as exc:
            for field, messages in (exc.message_dict if hasattr(exc, "error_dict") else {"value": exc.messages}).items():
                if field in ("rationale_category", "rationale"):
                    errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
                else:
                    errors.setdefault(f"value_{cell['key']}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    submitted = 0
    if submit:
        today = timezone.localdate()
        started = [code for code in periods if measured_period_problem(Period.parse(code), today=today) is None]
        pending = Measurement.objects.filter(
            moe__program=program,
            moe__archived_at__isnull=True,
            period__in=started,
            status__in=[MeasurementStatus.DRAFT, MeasurementStatus.RETURNED],
        )
        submitted = measurements_submit(user=user, measurements=list(pending))
    return {"recorded": recorded, "resubmitted": resubmitted, "removed": removed, "submitted": submitted}


@transaction.atomic
def moe_archive(
    *, user: User, moe: MeasureOfEffectiveness, version: int | None, reason: str = ""
) -> MeasureOfEffectiveness:
    """Archive an MOE instead of deleting it: it leaves the grid, the detail page and rollups;
    its measurements and history stay. ``version`` is the one the user read (missing or
    stale: StaleVersionError); an archived MOE needs none."""
    moe = MeasureOfEffectiveness.objects.select_for_update().select_related("program__lead_agency").get(pk=moe.pk)
    permissions.require_program_editor(user, moe.program)
    if moe.is_archived:
        return moe
    ensure_writable(moe)  # not under an archived program
    check_version(moe, version)
    moe.archived_at, moe.archived_by = timezone.now(), user
    moe.version += 1
    validated_save(moe, user=user, rationale=f"archived: {reason}".strip(": "), exclude=["program"])
    _announce(moe.program_id)
    return moe

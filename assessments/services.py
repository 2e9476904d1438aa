"""Writes of the assessments app: one function per state change (pages and API alike)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from infrastructure.conflicts import StateConflict
from programs import permissions
from infrastructure.saving import validated_save
from infrastructure.versioning import check_version
from infrastructure.locks import try_scope_lock
from infrastructure.models import RationaleCategory
from programs.models import Country
from programs.services.rules import ensure_four_eyes
from infrastructure.task_dispatch import enqueue_on_commit

from .computations.selectivity import selectivity_insert_changed
from .models import (
    SCORE_MAX,
    SCORE_MIN,
    AssessmentFramework,
    AssessmentStatus,
    CountryAssessment,
    Criterion,
    CriterionScore,
)
from infrastructure.text import typed_for_message

# One lock for every recompute scope: a partial and a full run write the same rows.
SELECTIVITY_LOCK_SCOPE = "assessments.selectivity"

CriterionInputs = Mapping[str, Mapping[str, Any]]  # criterion code -> {score, justification, evidence_url}


def criterion_error_key(code: str, field: str | None = None) -> str:
    """Where an error about criterion ``code`` (its ``field``: score, justification or
    evidence_url; None: the entry as a whole) is reported: the path of the input, as the
    API names it ("scores.political_will.score"); pages route it to that criterion's form."""
    return f"scores.{code}.{field}" if field else f"scores.{code}"


def _clean_criterion_scores(
    *, criteria: list[Criterion], criterion_scores: CriterionInputs
) -> list[dict[str, Any]]:
    """Check one 1-5 score and a justification for every criterion, and no other criterion;
    errors keyed by ``criterion_error_key`` ("scores.political_will.score", "scores.zzz")."""
    errors: dict[str, str] = {}
    cleaned = []
    url_validator = URLValidator()
    for criterion in criteria:
        given = criterion_scores.get(criterion.code) or {}
        raw_score = given.get("score")
        justification = (given.get("justification") or "").strip()
        evidence = (given.get("evidence_url") or "").strip()
        try:
            score = int(raw_score)
            if isinstance(raw_score, float) and raw_score != score:
                raise ValueError
        except (TypeError, ValueError):
            errors[criterion_error_key(criterion.code, "score")] = f"{criterion.name}: a score from {SCORE_MIN} to {SCORE_MAX} is required."
            score = None
        if score is not None and not SCORE_MIN <= score <= SCORE_MAX:
            errors[criterion_error_key(criterion.code, "score")] = (
                f"{criterion.name}: the score must be from {SCORE_MIN} to {SCORE_MAX} (got {score})."
            )
        if not justification:
            errors[criterion_error_key(criterion.code, "justification")] = f"{criterion.name}: a justification is required."
        if evidence:
            try:
                url_validator(evidence)
            except ValidationError:
                errors[criterion_error_key(criterion.code, "evidence_url")] = f"{criterion.name}: enter a valid URL."
        cleaned.append(
            {"criterion": criterion, "score": score, "justification": justification, "evidence_url": evidence}
        )
    known = sorted(c.code for c in criteria)
    for code in sorted(set(criterion_scores) - set(known)):
        errors[criterion_error_key(code)] = (f"'{typed_for_message(str(code))}' is not a criterion of this framework; "
                                             f"its criteria are {', '.join(known)}.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_evidence_links(evidence_links: str) -> str:
    validator = URLValidator()
    lines = [line.strip() for line in (evidence_links or "").splitlines() if line.strip()]
    for line in lines:
        try:
            validator(line)
        except ValidationError:
            raise ValidationError({"evidence_links": f"Not a valid link (URL): {typed_for_message(line, limit=80)}"}) from None
    return "\n".join(lines)


def _write_scores(*, user, assessment: CountryAssessment, cleaned: list[dict[str, Any]]) -> None:
    existing = {s.criterion_id: s for s in assessment.scores.all()}
    for row in cleaned:
        score = existing.get(row["criterion"].id) or CriterionScore(assessment=assessment, criterion=row["criterion"])
        score.score, score.justification, score.evidence_url = row["score"], row["justification"], row["evidence_url"]
        validated_save(score, user=user)


@transaction.atomic
def assessment_create(
    *,
    user,
    country: Country,
    assessed_on: dt.date,
    criterion_scores: CriterionInputs,
    summary: str = "",
    evidence_links: str = "",
    framework: AssessmentFramework | None = None,
) -> CountryAssessment:
    """A new draft assessment of ``country`` under the current framework."""
    from .selectors import framework_current

    permissions.require_assessment_keeper(user)
    framework = framework or framework_current()
    if framework is None or framework.is_retired:
        raise StateConflict({"__all__": "There is no current assessment framework to assess under."})
    if assessed_on and assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment date cannot be in the future."})
    criteria = list(framework.criteria.all())
    cleaned = _clean_criterion_scores(criteria=criteria, criterion_scores=criterion_scores)
    assessment = CountryAssessment(
        country=country,
        framework=framework,
        assessed_on=assessed_on,
        summary=summary,
        evidence_links=_clean_evidence_links(evidence_links),
        created_by=user,
        content_author=user,
    )
    validated_save(assessment, user=user)
    _write_scores(user=user, assessment=assessment, cleaned=cleaned)
    return assessment


def _check_editable(user, assessment: CountryAssessment) -> None:
    permissions.require_assessment_editor(user, assessment)
    if not assessment.is_editable:
        raise StateConflict(
            {"__all__": f"A {assessment.get_status_display().lower()} assessment cannot be edited."}
        )


@transaction.atomic
def assessment_update(
    *,
    user,
    assessment: CountryAssessment,
    version: int | None = None,
    assessed_on: dt.date,
    criterion_scores: CriterionInputs,
    summary: str = "",
    evidence_links: str = "",
) -> CountryAssessment:
    """Edit a draft or returned assessment, refusing a stale ``version`` (StaleVersionError,
    with what changed since, checked on the locked row so that no race slips through)."""
    assessment = _locked(assessment)
    _check_editable(user, assessment)
    check_version(assessment, version)
    assessment.version += 1
    if assessed_on and assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The assessment date cannot be in the future."})
    cleaned = _clean_criterion_scores(criteria=list(assessment.framework.criteria.all()), criterion_scores=criterion_scores)
    assessment.assessed_on = assessed_on
    assessment.summary = summary
    assessment.evidence_links = _clean_evidence_links(evidence_links)
    assessment.content_author = user  # four eyes: the last author of the content may not approve it
    validated_save(assessment, user=user)
    _write_scores(user=user, assessment=assessment, cleaned=cleaned)
    return assessment


def _locked(assessment: CountryAssessment) -> CountryAssessment:
    """The assessment's row, locked until the transaction ends. Callers check the version
    the user read on it (check_version: StaleVersionError, with what changed since) after
    the permission check, so no race slips between the check and the save."""
    return CountryAssessment.objects.select_for_update().select_related("framework").get(pk=assessment.pk)


@transaction.atomic
def assessment_submit(*, user, assessment: CountryAssessment, version: int | None = None) -> CountryAssessment:
    """Draft (or returned) -> submitted for a manager's approval."""
    current = _locked(assessment)
    _check_editable(user, current)
    check_version(current, version)
    criteria_ids = set(current.framework.criteria.values_list("id", flat=True))
    if criteria_ids - set(current.scores.values_list("criterion_id", flat=True)):
        raise StateConflict({"__all__": "Score every criterion before submitting."})  # the stored scores decide
    current.status = AssessmentStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.version += 1
    validated_save(current, user=user)
    current.refresh_from_db()
    return current


def assessment_approve_check(user) -> None:
    """PermissionDenied unless ``user`` may approve assessments (managers): :func:`assessment_approve`
    and the API check it first."""
    permissions.require_manager(user, "approve assessments")


def assessment_return_check(user) -> None:
    """PermissionDenied unless ``user`` may return assessments (managers): :func:`assessment_return`."""
    permissions.require_manager(user, "return assessments")


@transaction.atomic
def assessment_approve(*, user, assessment: CountryAssessment, version: int | None = None) -> CountryAssessment:
    """Submitted -> approved by a manager other than the author and other than whoever last
    changed its content (four eyes); the score is recomputed."""
    from .tasks import selectivity_recompute_task

    assessment_approve_check(user)
    current = _locked(assessment)
    check_version(current, version)
    if current.created_by_id == user.id:
        raise StateConflict({"__all__": "You cannot approve your own assessment; another manager must approve it."})
    ensure_four_eyes(approver_id=user.id, last_author_id=current.content_author_id, noun="assessment")
    if current.status != AssessmentStatus.SUBMITTED:
        raise StateConflict(
            {"__all__": f"Only a submitted assessment can be approved (this one is {current.get_status_display().lower()})."}
        )
    if current.framework.is_retired:
        raise StateConflict(
            {"__all__": f"Framework v{current.framework.version} is retired; reassess under the current framework."}
        )
    current.status = AssessmentStatus.APPROVED
    current.approved_by = user
    current.approved_at = timezone.now()
    current.return_reason = ""
    current.version += 1
    validated_save(current, user=user)
    current.refresh_from_db()
    enqueue_on_commit(selectivity_recompute_task, country_ids=[current.country_id])
    return current


@transaction.atomic
def assessment_return(
    *, user, assessment: CountryAssessment, reason: str, version: int | None = None
) -> CountryAssessment:
    """Submitted -> returned for revision, with the manager's reason."""
    assessment_return_check(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the assessment is returned."})
    current = _locked(assessment)
    check_version(current, version)
    if current.status != AssessmentStatus.SUBMITTED:
        raise StateConflict({"__all__": "Only a submitted assessment can be returned."})
    current.status = AssessmentStatus.RETURNED
    current.return_reason = reason
    current.version += 1
    validated_save(current, user=user, rationale_category=RationaleCategory.OTHER, rationale=reason)
    current.refresh_from_db()
    return current


def selectivity_recompute(*, country_ids: list[int] | None = None, as_of: dt.date | None = None) -> int | None:
    """Recompute the selectivity scores of ``country_ids`` (all if None) in one statement.

    Returns the number of rows added, or None when another run holds the lock (nothing
    written; the caller retries, so inputs committed meanwhile are not missed).
    """
    with transaction.atomic():
        if not try_scope_lock(SELECTIVITY_LOCK_SCOPE):
            return None
        return selectivity_insert_changed(country_ids=country_ids, as_of=as_of)

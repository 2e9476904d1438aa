"""Writes of evaluations, their documents (links) and recommendations' follow-up.

Analysts record evaluations of their own agency's programs; managers of any program.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from programs import permissions
from programs.models import Program, User
from programs.services.rules import ensure_writable
from infrastructure.saving import timestamps_touch, validated_save
from infrastructure.versioning import check_version

from ..models import Evaluation, EvaluationDocument, FollowUpStatus, Recommendation

EVALUATION_FIELDS = (
    "evaluation_type", "title", "evaluator", "is_independent", "started_on", "completed_on", "rating", "findings",
)


def _save(instance, *, user: User) -> None:
    validated_save(instance, user=user)


@transaction.atomic
def evaluation_create(
    *, user: User, program: Program, data: Mapping[str, Any], documents: Iterable[tuple[str, str]] = ()
) -> Evaluation:
    """Record an evaluation of ``program``; ``documents`` are (title, url) links."""
    permissions.require_evaluation_recorder(user, program)
    ensure_writable(program)
    evaluation = Evaluation(program=program, created_by=user, **{k: data[k] for k in EVALUATION_FIELDS if k in data})
    _save(evaluation, user=user)
    for title, url in documents:
        _save(EvaluationDocument(evaluation=evaluation, title=title, url=url), user=user)
    return evaluation


@transaction.atomic
def evaluation_update(
    *, user: User, evaluation: Evaluation, data: Mapping[str, Any], version: int | None
) -> Evaluation:
    """Change an evaluation's own fields. ``version`` is the one the user read: missing or
    stale raises StaleVersionError (nothing saved); sending the stored values needs none."""
    evaluation = Evaluation.objects.select_for_update().select_related("program__lead_agency").get(pk=evaluation.pk)
    permissions.require_evaluation_recorder(user, evaluation.program)
    ensure_writable(evaluation.program)
    changed = [key for key in EVALUATION_FIELDS if key in data and getattr(evaluation, key) != data[key]]
    if not changed:
        return evaluation  # nothing changes, so nothing can be lost
    check_version(evaluation, version)
    for key in changed:
        setattr(evaluation, key, data[key])
    evaluation.version += 1
    _save(evaluation, user=user)
    return evaluation


@transaction.atomic
def evaluation_document_add(*, user: User, evaluation: Evaluation, title: str, url: str) -> EvaluationDocument:
    permissions.require_evaluation_recorder(user, evaluation.program)
    ensure_writable(evaluation.program)
    document = EvaluationDocument(evaluation=evaluation, title=title, url=url)
    _save(document, user=user)
    return document


@transaction.atomic
def recommendation_create(
    *, user: User, evaluation: Evaluation, text: str, owner: str, due_on: dt.date
) -> Recommendation:
    permissions.require_evaluation_recorder(user, evaluation.program)
    ensure_writable(evaluation.program)
    recommendation = Recommendation(evaluation=evaluation, text=text, owner=owner, due_on=due_on)
    _save(recommendation, user=user)
    timestamps_touch(Evaluation, [evaluation.pk])  # its recommendations are part of it (sync)
    return recommendation


@transaction.atomic
def recommendation_follow_up(
    *, user: User, recommendation: Recommendation, status: str, note: str = "", version: int | None
) -> Recommendation:
    """Record the follow-up of a recommendation; closing one needs a note saying how.
    ``version`` is the recommendation's version the user read: missing or stale raises
    StaleVersionError (nothing saved); re-sending the stored follow-up needs none."""
    recommendation = (
        Recommendation.objects.select_for_update()
        .select_related("evaluation__program__lead_agency")
        .get(pk=recommendation.pk)
    )
    permissions.require_evaluation_recorder(user, recommendation.evaluation.program)
    ensure_writable(recommendation.evaluation.program)
    if status in (FollowUpStatus.IMPLEMENTED, FollowUpStatus.NOT_ACCEPTED) and not (note or "").strip():
        raise ValidationError({"follow_up_note": "Say how the recommendation was implemented or why it was not accepted."})
    note = (note or "").strip()
    if (recommendation.follow_up_status, recommendation.follow_up_note) == (status, note):
        return recommendation  # nothing changes, so nothing can be lost
    check_version(recommendation, version)
    recommendation.follow_up_status, recommendation.follow_up_note = status, note
    recommendation.version += 1
    _save(recommendation, user=user)
    timestamps_touch(Evaluation, [recommendation.evaluation_id])
    return recommendation

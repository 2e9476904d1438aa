"""Demo data of the evaluations app: evaluations with recommendations (some overdue),
then a full rollup recompute. Called by the demo command after the programs demo exists;
idempotent (evaluations are keyed by program and title)."""
from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from programs.models import RUNNING_STATUSES, Program

from .models import Evaluation, EvaluationDocument, EvaluationRating, EvaluationType, FollowUpStatus, Recommendation
from .services.rollups import rollups_recompute

RECOMMENDATIONS = [
    "Complete human-rights vetting of every unit before the next training cycle",
    "Agree a sustainment budget line with the partner ministry",
    "Collect sex-disaggregated data for the outcome measures",
    "Coordinate the border-management curriculum with the EU mission",
    "Replace output targets with outcome measures for the final two years",
]


def build_demo_data(*, seed: int) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    programs = list(
        Program.objects.filter(status__in=RUNNING_STATUSES, archived_at__isnull=True).order_by("code")
    )
    chosen = rng.sample(programs, k=min(len(programs), max(3, len(programs) // 4))) if programs else []
    with transaction.atomic():
        for index, program in enumerate(sorted(chosen, key=lambda p: p.code)):
            kind = [EvaluationType.PERFORMANCE, EvaluationType.PROCESS, EvaluationType.IMPACT][index % 3]
            title = f"{kind.label} evaluation of {program.code}"
            started = today - dt.timedelta(days=rng.randint(200, 1500))
            evaluation, created = Evaluation.objects.get_or_create(
                program=program, title=title,
                defaults={
                    "evaluation_type": kind,
                    "evaluator": rng.choice(["GAO", "Office of Inspector General", "Independent evaluators LLC",
                                             "RAND Corporation"]),
                    "is_independent": index % 4 != 0,
                    "started_on": started,
                    "completed_on": started + dt.timedelta(days=rng.randint(60, 180)),
                    "rating": rng.choice(EvaluationRating.values),
                    "findings": "Training delivered as planned; outcome data thin in remote provinces.",
                },
            )
            if not created:
                continue
            EvaluationDocument.objects.create(
                evaluation=evaluation, title="Final report", url=f"https://example.gov/evaluations/{program.code}.pdf"
            )
            for number in range(rng.randint(1, 3)):
                due = today + dt.timedelta(days=rng.randint(-240, 240))
                status = rng.choice([FollowUpStatus.OPEN, FollowUpStatus.IN_PROGRESS, FollowUpStatus.IMPLEMENTED])
                Recommendation.objects.create(
                    evaluation=evaluation, text=RECOMMENDATIONS[(index + number) % len(RECOMMENDATIONS)],
                    owner=f"{program.lead_agency.code} program office", due_on=due, follow_up_status=status,
                    follow_up_note="Done; see the FY report." if status == FollowUpStatus.IMPLEMENTED else "",
                )
    rollups_recompute()

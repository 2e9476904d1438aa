"""Reacting to the programs app's domain events (subscribed in EvaluationsConfig.ready)."""
from __future__ import annotations

from typing import Any

from infrastructure.task_dispatch import enqueue_on_commit


def on_program_data_changed(sender: Any, program_ids: list[int], **kwargs: Any) -> None:
    """Schedule the incremental recompute of these programs once the write commits."""
    from .tasks import rollups_recompute_programs

    ids = sorted({int(i) for i in program_ids or []})
    if ids:
        enqueue_on_commit(rollups_recompute_programs, ids)

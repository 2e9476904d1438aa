"""The programs app's decisions, turned into notifications (programs never imports this
app; it sends its signals from the services, inside the writing transaction)."""
from __future__ import annotations

from typing import Any

from .services import proposal_decided_notify, values_returned_notify, values_submitted_notify


def on_measurements_returned(sender: Any, *, measurements, reason: str, **kwargs: Any) -> None:
    values_returned_notify(measurements=measurements, reason=reason)


def on_measurements_submitted(sender: Any, *, program_counts, **kwargs: Any) -> None:
    values_submitted_notify(program_counts=program_counts)


def on_proposal_decided(sender: Any, *, program, action: str, reason: str, **kwargs: Any) -> None:
    proposal_decided_notify(program=program, action=action, reason=reason)

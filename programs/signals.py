"""Domain events of the programs app that other apps react to (dependencies point up:
programs never imports assessments or evaluations; they subscribe here).

Senders are services; each signal is sent inside the writing transaction, and receivers
schedule their work with ``task_dispatch.enqueue_on_commit`` so nothing runs for a
rolled-back write.
"""
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

# An input of MOE rollups changed: measurements, targets, MOEs, funding, program
# membership (countries, goals) or status. kwargs: program_ids (list[int]).
program_data_changed = Signal()

# Decisions people wait for (the notifications app tells them). Sent by the services
# inside the writing transaction.
# Managers returned values for revision. kwargs: measurements (with moe and moe.program
# loaded), reason (str).
measurements_returned = Signal()
# Values were submitted for approval. kwargs: program_counts ({(program id, code): n}).
measurements_submitted = Signal()
# A proposed program was approved or terminated. kwargs: program, action, reason.
proposal_decided = Signal()

# An input of selectivity changed: a country's priority tier or an open crisis event.
# kwargs: country_ids (list[int]).
country_inputs_changed = Signal()


_held_program_ids: ContextVar[set[int] | None] = ContextVar("held_program_ids", default=None)


def program_data_announce(sender: object, program_ids: Iterable[int]) -> None:
    """Send ``program_data_changed`` for these programs, or, inside
    :func:`program_changes_batched`, hold them back for the one signal sent at its end."""
    ids = {int(i) for i in program_ids}
    held = _held_program_ids.get()
    if held is not None:
        held.update(ids)
    elif ids:
        program_data_changed.send(sender=sender, program_ids=sorted(ids))


@contextmanager
def program_changes_batched(sender: object) -> Iterator[set[int]]:
    """Collect every program announced inside the block and send ``program_data_changed``
    once at its end (a bulk writer such as the importer: one rollup recompute scheduled for
    exactly the affected programs). Yields the set being collected; nothing is sent if the
    block raises."""
    held: set[int] = set()
    token = _held_program_ids.set(held)
    try:
        yield held
    finally:
        _held_program_ids.reset(token)
    if held:
        program_data_changed.send(sender=sender, program_ids=sorted(held))

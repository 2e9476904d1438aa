"""Domain events of the programs app that other apps react to (dependencies point up:
programs never imports assessments or evaluations; they subscribe here).

Senders are services; each signal is sent inside the writing transaction, and receivers
schedule their work with ``task_dispatch.enqueue_on_commit`` so nothing runs for a
rolled-back write.
"""
from django.dispatch import Signal

# An input of MOE rollups changed: measurements, targets, MOEs, funding, program
# membership (countries, goals) or status. kwargs: program_ids (list[int]).
program_data_changed = Signal()

# An input of selectivity changed: a country's priority tier or an open crisis event.
# kwargs: country_ids (list[int]).
country_inputs_changed = Signal()

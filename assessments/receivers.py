"""Recompute selectivity when its inputs change elsewhere (connected in AssessmentsConfig.ready)."""
from django.dispatch import receiver

from evaluations.signals import country_rollups_changed
from programs.signals import country_inputs_changed
from infrastructure.task_dispatch import enqueue_on_commit


@receiver(country_rollups_changed, dispatch_uid="assessments_rollups_changed")
@receiver(country_inputs_changed, dispatch_uid="assessments_country_inputs_changed")
def selectivity_inputs_changed(sender, country_ids=None, **kwargs) -> None:
    from .tasks import selectivity_recompute_task

    if country_ids:
        enqueue_on_commit(selectivity_recompute_task, country_ids=sorted({int(i) for i in country_ids}))

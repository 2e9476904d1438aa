"""Events of the evaluations app. Sent by the rollup recompute when country achievements
change; the assessments app subscribes to recompute selectivity scores.
kwargs: country_ids (list[int])."""
from django.dispatch import Signal

country_rollups_changed = Signal()

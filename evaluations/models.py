"""Models of the evaluations app: computed rollups (summary tables) and evaluations."""
from django.db import models

from programs.models import Country


class RollupStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"
    OFF_TRACK = "off_track", "Off track"
    NO_DATA = "no_data", "No data"


class CountryRollup(models.Model):
    """MOE achievement of a country: the funding-weighted mean of its running programs.

    ``achievement`` is a fraction 0..1 (capped), null when no program has data.
    """

    country = models.OneToOneField(Country, on_delete=models.CASCADE, related_name="rollup")
    achievement = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=RollupStatus.choices, default=RollupStatus.NO_DATA)
    program_count = models.PositiveIntegerField(default=0)
    programs_with_data = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.country_id}: {self.achievement}"

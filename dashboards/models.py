"""Models of the dashboards app: stored snapshots of the dashboards' aggregate figures."""
from django.db import models


class FigureSnapshot(models.Model):
    """One aggregate figure set of one dashboard scope (a summary table row).

    ``scope`` is "portfolio", "region:<id>" or "country:<id>"; ``name`` the figure set
    ("funding_by_fy", "flag_counts", ...). ``inputs_version`` fingerprints the input
    tables (their latest change) when it was computed: a read with a different version
    recomputes it, so a snapshot is never served after its inputs changed.
    """

    scope = models.CharField(max_length=40)
    name = models.CharField(max_length=40)
    data = models.JSONField()
    inputs_version = models.CharField(max_length=400)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "name"], name="figure_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.name} at {self.computed_at:%Y-%m-%d %H:%M}"

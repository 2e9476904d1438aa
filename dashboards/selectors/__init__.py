"""Reads of the cross-app pages: the dashboards' figures (``overview``: portfolio,
regions, countries index, goal coverage; ``country``), funding aggregates (``funding``),
flags (``flags``) and the stored figure sets they are served from (``snapshots``)."""

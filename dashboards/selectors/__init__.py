"""Reads of the cross-app pages, data only (typed; the pages' tables and charts are
``dashboards.tables`` and ``dashboards.charts``): the dashboards' figures (``overview``:
portfolio, regions, countries index, goal coverage; ``country``), funding aggregates
(``funding``), flags (``flags``), the review pages' rows (``reviews``) and the stored
figure sets they are served from (``snapshots``)."""

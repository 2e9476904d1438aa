"""The managers' dashboards: one module per page; each table on a page also downloads
as CSV from ``<page>/export/<table key>.csv`` with the page's own filters."""

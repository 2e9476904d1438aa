"""The managers' dashboards and review pages: one module per page; each table on a
dashboard also downloads as CSV or XLSX from ``<page>/export/<table key>.<csv|xlsx>``
with the page's own filters. ``sections`` assembles a page from a selector's figures."""

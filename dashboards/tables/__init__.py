"""The dashboards' tables (django-tables2): column kinds (``columns``), the table with its
key, caption, note, freshness and CSV/XLSX download (``base``), where rows link to
(``links``), and one module per page (``overview``, ``country``, ``flags``)."""

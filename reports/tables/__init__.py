"""The tables only the PDF briefs show (django-tables2, as the dashboards' tables), and
how a brief shortens the dashboards' own tables to fit a page."""

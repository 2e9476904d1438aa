"""Reads of the evaluations app, shared by pages, dashboards and the API."""

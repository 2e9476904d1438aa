"""Reads of the reports: the results framework tree and the briefs' contents."""

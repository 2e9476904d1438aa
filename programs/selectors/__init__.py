"""Reads of the programs app: querysets with their joins and annotations, by topic."""

"""Writes of the programs app: one function per state change, grouped by topic."""

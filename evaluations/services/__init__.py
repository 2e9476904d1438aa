"""Writes of the evaluations app (one function per state change)."""

"""Computations of the assessments app: each with a pure reference and a set-based version."""

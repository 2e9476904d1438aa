"""Computations of the evaluations app: each a pure reference plus its set-based SQL."""

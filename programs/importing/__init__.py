"""Spreadsheet import (CSV, XLSX) of programs, funding, MOEs, targets and measurements.

reading (bytes -> tables) -> cells (one cell -> a value or a message) -> columns (which
template a header row is) -> rows (a file's tables, each kind checked in memory with the
services' rules and written in bulk: program_rows, moe_rows, measurement_rows; stored
records read by natural key in stored.py, written with their history in writing.py)
-> outcomes (the per-row report) -> services (jobs: preview, confirm) with background
(worker or thread) and exports (lists in the template's columns, then read-only ones).
"""

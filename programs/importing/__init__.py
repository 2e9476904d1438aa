"""Spreadsheet import (CSV, XLSX) of programs, funding, MOEs, targets and measurements.

reading (bytes -> tables) -> cells (one cell -> a value or a message) -> columns (which
template a header row is) -> rows (a file's tables: MOE and measurement rows through the
services) and program_rows (the program table checked in memory and written in bulk,
writing.py) -> outcomes (the per-row report) -> services (jobs: preview, confirm) with
background (worker or thread) and exports (lists in the template's columns).
"""

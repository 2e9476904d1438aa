"""Spreadsheet import (CSV, XLSX) of programs, funding, MOEs, targets and measurements."""

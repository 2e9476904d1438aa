"""The three kinds of import table and their columns; the blank templates are made from these.

A table's kind is recognised from its header row, so a CSV file holds one kind and an
XLSX workbook may hold one kind per sheet (processed programs first, then MOEs, then
measurements, whatever the sheet order).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    help: str = ""
    example: str = ""
    example_more: str = ""  # the example's second row (a continuation row)


@dataclass(frozen=True)
class TableKind:
    key: str
    label: str
    columns: tuple[Column, ...]
    aliases: dict[str, str]
    # Columns describing the parent record; blank on a continuation row (same key as an
    # earlier row) means "as on that row".
    record_columns: tuple[str, ...]
    # Columns exports add for reading (status, surge, a breakdown status, ...); an import
    # ignores them (and says so in its report), so an exported file comes back in.
    read_only: tuple[str, ...] = ()
    # The XLSX template's sheet name when the label is longer than Excel's 31 characters.
    short_label: str = ""

    @property
    def sheet_name(self) -> str:
        """The template's sheet for this kind (at most 31 characters, Excel's limit)."""
        return self.short_label or self.label

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


PROGRAMS = TableKind(
    key="programs",
    label="Programs and funding",
    columns=(
        Column("code", True, "Program code, the key that identifies the program.", "DOS-2027-0001", "DOS-2027-0001"),
        Column("title", True, "Program title.", "Coastal patrol capacity"),
        Column("lead_agency", True, "Lead agency code (DOS, DOD, DOJ, DHS, USAID, TREAS, DOE, DOC).", "DOS"),
        Column("countries", True, "ISO codes or names, separated by ';' (e.g. KEN; Burma; Cote d'Ivoire).", "KEN; Tanzania"),
        Column("purpose", True, "engage, build_capacity or enable.", "build_capacity"),
        Column("start_fy", True, "First fiscal year, e.g. 2027 or FY2027.", "2027"),
        Column("end_fy", True, "Last fiscal year.", "2029"),
        Column("funding_authority", False, "Authority or account, e.g. INCLE, FMF, 10 U.S.C. 333.", "INCLE"),
        Column("description", False, "Free text.", "Training and equipment for the coast guard."),
        Column("goals", False, "Goal codes separated by ';' (e.g. 1.a; 4).", "1.e"),
        Column("sectors", False, "OECD DAC purpose codes separated by ';' (e.g. 15210).", "15210"),
        Column("fiscal_year", False, "Fiscal year of the funding on this row (one row per year).", "2027", "2028"),
        Column("planned", False, "US dollars; 1,250,000 and $ are fine, '-' is zero.", "1,250,000", "1,500,000"),
        Column("obligated", False, "US dollars.", "900,000", "-"),
        Column("disbursed", False, "US dollars.", "250,000", "-"),
    ),
    aliases={"program_code": "code", "program": "code", "agency": "lead_agency", "country": "countries", "fy": "fiscal_year"},
    record_columns=(
        "title", "lead_agency", "countries", "purpose", "start_fy", "end_fy",
        "funding_authority", "description", "goals", "sectors",
    ),
    read_only=("supporting_agencies", "status", "surge", "archived_at", "updated_at"),
)

MOES = TableKind(
    key="moes",
    label="Measures of effectiveness and targets",
    short_label="MOEs and targets",
    columns=(
        Column("program_code", True, "Code of the program the MOE belongs to.", "DOS-2027-0001", "DOS-2027-0001"),
        Column("moe_name", True, "Name of the MOE; with the program code, the key that identifies it.", "Maritime interdictions per quarter", "Maritime interdictions per quarter"),
        Column("kind", False, "outcome or output.", "outcome"),
        Column("unit", True, "Unit of measure.", "interdictions"),
        Column("direction", False, "increase or decrease (which way is better).", "increase"),
        Column("cumulative", False, "yes or no.", "no"),
        Column("allows_negative", False, "yes or no: may values be below zero?", "no"),
        Column("frequency", False, "quarterly, semi_annual, annual or life_of_program.", "quarterly"),
        Column("baseline_value", True, "Baseline value.", "4"),
        Column("baseline_date", True, "Baseline date, 2026-09-30 (not after today).", "2026-09-30"),
        Column("weight", False, "Weight in the program rollup (default 1).", "1"),
        Column("means_of_verification", False, "How the value is verified.", "Coast guard logs"),
        Column("period", False, "Target period: FY2027, FY2027-H1 or FY2027-Q1 (one row per period).", "FY2027-Q1", "FY2027-Q2"),
        Column("target", False, "Target value for that period.", "6", "8"),
    ),
    aliases={"code": "program_code", "moe": "moe_name", "name": "moe_name", "target_value": "target"},
    record_columns=(
        "kind", "unit", "direction", "cumulative", "allows_negative", "frequency",
        "baseline_value", "baseline_date", "weight", "means_of_verification",
    ),
    read_only=("lead_agency", "archived_at", "updated_at"),
)

MEASUREMENTS = TableKind(
    key="measurements",
    label="Measurements",
    columns=(
        Column("program_code", True, "Code of the program.", "DOS-2027-0001"),
        Column("moe_name", True, "Name of the MOE.", "Maritime interdictions per quarter"),
        Column("period", True, "FY2027, FY2027-H1 or FY2027-Q1, once the period has started.", "FY2027-Q1"),
        Column("value", True, "Actual value.", "5"),
        Column("source", False, "Where the value comes from.", "Coast guard monthly report"),
        Column("evidence_url", False, "Link to the evidence.", "https://example.gov/report.pdf"),
        Column("collected_on", False, "Date collected, 2026-11-15 (not after today).", "2026-11-15"),
    ),
    aliases={"code": "program_code", "moe": "moe_name", "actual": "value", "actual_value": "value"},
    record_columns=(),
    read_only=("lead_agency", "unit", "status", "breakdown", "entered_by", "updated_at"),
)

KINDS = (PROGRAMS, MOES, MEASUREMENTS)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


def normalise_header(header: str) -> str:
    """``"Planned (USD) *"`` -> ``"planned"``; ``"Lead agency"`` -> ``"lead_agency"``."""
    cleaned = re.sub(r"\(.*?\)|\*", "", header or "").strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", cleaned).strip("_")


def names_a_column(cells: list[object]) -> bool:
    """Whether a row reads like a header row: it names a column (or alias) of some kind."""
    known = {name for kind in KINDS for name in (*kind.names, *kind.aliases)}
    return any(isinstance(c, str) and normalise_header(c) in known for c in cells)


def recognise(headers: list[str]) -> tuple[TableKind | None, dict[int, str], list[tuple[str, str]], list[str]]:
    """Which kind a header row describes, the column index -> column name map, header
    errors, and the columns ignored.

    Errors are (column as written, message) pairs: missing or duplicated columns, and an
    unknown column whose name is close to a template column (a typo such as
    "disbursment" must not silently drop the amounts). Other columns (those exports add
    for reading, or the user's own notes) are ignored and listed as written.
    """
    normalised = [normalise_header(h) for h in headers]

    def score(kind: TableKind) -> int:
        known = set(kind.names) | set(kind.aliases)
        return sum(1 for name in normalised if name in known) + (3 if set(kind.required) <= {kind.aliases.get(n, n) for n in normalised} else 0)

    best = max(KINDS, key=score)
    if score(best) == 0:
        expected = "; ".join(f"{k.label}: {', '.join(k.required)}" for k in KINDS)
        return None, {}, [("", f"The header row names none of the expected columns. Expected for {expected}.")], []
    mapping: dict[int, str] = {}
    errors: list[tuple[str, str]] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, (written, name) in enumerate(zip(headers, normalised)):
        if not name:
            continue
        name = best.aliases.get(name, name)
        if name in best.read_only:
            ignored.append(str(written))
            continue
        if name not in best.names:
            if difflib.get_close_matches(name, [*best.names, *best.aliases], n=1, cutoff=0.8):
                errors.append((written, f"'{written}' is not a column of the {best.label.lower()} template (columns: {', '.join(best.names)})."))
            else:
                ignored.append(str(written))
            continue
        if name in seen:
            errors.append((written, f"'{written}' appears twice (also as '{seen[name]}')."))
            continue
        seen[name] = written
        mapping[index] = name
    for name in best.required:
        if name not in seen:
            errors.append((name, f"The required column '{name}' is missing."))
    return best, mapping, errors, ignored

"""The dashboards' charts: a Chart.js chart drawn by static/js/charts.js from ``spec``
(json_script, no inline script), each beside the table that holds the same figures for
screen readers and export (``table_key``). Builders take the selectors' rows; chart axes
in US dollars are in millions."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evaluations.models import RollupStatus
from infrastructure.dates import instant_labels
from programs.models import ProgramStatus

from .selectors.overview import HIGH_FUNDING_LOW_SCORE, HIGH_SCORE_LITTLE_FUNDING

MILLION = Decimal("1000000")
STATUS_LABELS = dict(ProgramStatus.choices)
MOE_STATUS_LABELS = dict(RollupStatus.choices)
USD_MILLIONS = "USD millions"


@dataclass
class Chart:
    """One chart: ``kind`` bar | line | scatter | radar; ``datasets`` as Chart.js takes
    them (``data``: numbers, or points {x, y, label} for a scatter; ``notes``: optional,
    one more tooltip line per point). ``whole_numbers``: the values are counts or whole
    scores, so the value axis ticks only at integers (never 0.5 of an MOE). ``stepped``:
    a line that holds each value until the next (a score stands until it is recomputed)."""

    key: str
    title: str
    table_key: str
    kind: str
    labels: list[str] = field(default_factory=list)
    datasets: list[dict] = field(default_factory=list)
    x_label: str = ""
    y_label: str = ""
    stacked: bool = False
    horizontal: bool = False
    y_max: float | None = None
    whole_numbers: bool = False
    stepped: bool = False

    @property
    def data_id(self) -> str:
        return f"{self.key}-data"

    @property
    def is_empty(self) -> bool:
        """No figure to draw: no data, or only zeros and blanks (an empty state instead
        of a chart of flat bars)."""
        return not any(
            isinstance(value, dict) or value not in (None, 0)
            for dataset in self.datasets for value in dataset.get("data", [])
        )

    @property
    def spec(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "labels": self.labels,
            "datasets": [
                {**dataset, "data": [_json_number(v) for v in dataset.get("data", [])]} for dataset in self.datasets
            ],
            "xLabel": self.x_label,
            "yLabel": self.y_label,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "yMax": self.y_max,
            "wholeNumbers": self.whole_numbers,
            "stepped": self.stepped,
        }


def _json_number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _json_number(v) for k, v in value.items()}
    return value


def musd(value: Decimal | None) -> float:
    """US dollars -> millions of US dollars (chart axes), two decimals."""
    return round(float((value or Decimal(0)) / MILLION), 2)


def _obligated_bars(key: str, title: str, table_key: str, labels: list[str], rows: list[dict], *,
                    horizontal: bool = False) -> Chart:
    return Chart(key, title, table_key, "bar", labels=labels,
                 datasets=[{"label": "Obligated", "data": [musd(r["obligated"]) for r in rows]}],
                 y_label=USD_MILLIONS, horizontal=horizontal)


def funding_by_fiscal_year_chart(rows: list[dict]) -> Chart:
    """Planned, obligated and disbursed per fiscal year (rows: fiscal_year and the three sums)."""
    return Chart("chart-funding-by-fy", "Funding by fiscal year (USD millions)", "funding-by-fy", "bar",
                 labels=[f"FY{r['fiscal_year']}" for r in rows],
                 datasets=[{"label": label, "data": [musd(r[name]) for r in rows]}
                           for label, name in (("Planned", "planned"), ("Obligated", "obligated"),
                                               ("Disbursed", "disbursed"))],
                 y_label=USD_MILLIONS)


def funding_by_status_chart(rows: list[dict]) -> Chart:
    """Obligated funding per program status, horizontal bars."""
    return _obligated_bars("chart-funding-by-status", "Obligated funding by program status (USD millions)",
                           "funding-by-status", [STATUS_LABELS.get(r["status"], r["status"]) for r in rows], rows,
                           horizontal=True)


def funding_by_goal_chart(rows: list[dict]) -> Chart:
    """Obligated funding per principal goal."""
    return _obligated_bars("chart-funding-by-goal", "Obligated funding by goal (USD millions)", "funding-by-goal",
                           [f"Goal {r['code']}" for r in rows], rows)


def funding_by_region_chart(rows: list[dict]) -> Chart:
    """Obligated funding per region of the portfolio's scheme."""
    return _obligated_bars("chart-funding-by-region", "Obligated funding by region (USD millions)",
                           "funding-by-region", [r["code"] for r in rows], rows)


def score_funding_chart(ranking: list[dict], window: tuple[int, int]) -> Chart:
    """Each scored country: its score against its obligated funding over the window,
    coloured by mismatch."""
    groups: dict[str, list] = {HIGH_FUNDING_LOW_SCORE: [], HIGH_SCORE_LITTLE_FUNDING: [], "": []}
    for row in ranking:
        if row["score"] is not None:
            groups[row["mismatch"]].append({"x": float(row["score"]), "y": musd(row["window_obligated"]),
                                            "label": row["name"]})
    return Chart("chart-score-funding", f"Selectivity score against obligated funding FY{window[0]}-FY{window[1]}",
                 "ranking", "scatter", datasets=[
                     {"label": "High funding, low score", "data": groups[HIGH_FUNDING_LOW_SCORE], "tone": "bad"},
                     {"label": "High score, little funding", "data": groups[HIGH_SCORE_LITTLE_FUNDING], "tone": "warn"},
                     {"label": "Other countries", "data": groups[""], "tone": "info"},
                 ], x_label="Selectivity score (0-100)", y_label="Obligated, USD millions")


def region_countries_chart(rows: list[dict], window: tuple[int, int]) -> Chart:
    """Obligated funding over the window per country of a region, horizontal bars."""
    return Chart("chart-countries", f"Obligated funding FY{window[0]}-FY{window[1]} by country (USD millions)",
                 "countries", "bar", labels=[r["name"] for r in rows],
                 datasets=[{"label": "Obligated", "data": [musd(r["window_obligated"]) for r in rows]}],
                 y_label=USD_MILLIONS, horizontal=True)


def score_trend_chart(history: list) -> Chart:
    """A country's selectivity score (0-100) at each computation (labeled by date, with the
    time only where a day has several: ``infrastructure.dates.instant_labels``), its band in the
    tooltip; ``history``: SelectivityScore rows, oldest first. The country dashboard and
    the country's selectivity page draw this same chart."""
    return Chart("chart-score-trend", "Selectivity score over time (0-100)", "score-trend", "line",
                 labels=instant_labels([s.computed_at for s in history]),
                 datasets=[{"label": "Score", "data": [float(s.score) if s.score is not None else None
                                                        for s in history],
                            "notes": [f"Band: {s.get_band_display()}" for s in history]}],
                 y_label="Score", y_max=100, stepped=True)


def assessment_chart(scores: list) -> Chart:
    """``scores``: the criterion scores (1-5) of an assessment."""
    return Chart("chart-assessment", "Criterion scores (1-5)", "assessment", "bar",
                 labels=[s.criterion.name for s in scores],
                 datasets=[{"label": "Score", "data": [s.score for s in scores]}],
                 y_label="Score (1-5)", y_max=5, horizontal=True, whole_numbers=True)


def funding_by_fiscal_year_agency_chart(rows: list[dict]) -> Chart:
    """Obligated funding stacked by lead agency (rows: fiscal_year, agency, obligated)."""
    years = sorted({r["fiscal_year"] for r in rows})
    agencies = sorted({r["agency"] for r in rows})
    by_key = {(r["fiscal_year"], r["agency"]): r for r in rows}
    return Chart("chart-funding-by-fy-agency", "Obligated funding by fiscal year and lead agency (USD millions)",
                 "funding-by-fy-agency", "bar", labels=[f"FY{y}" for y in years],
                 datasets=[{"label": a, "data": [musd(by_key.get((y, a), {}).get("obligated")) for y in years]}
                           for a in agencies],
                 y_label=USD_MILLIONS, stacked=True)


def moe_performance_chart(counts: dict[str, int], moe_count: int) -> Chart:
    """MOEs by the status of their latest period (``counts``: RollupStatus -> MOEs)."""
    return Chart("chart-moe-performance", "MOEs by status", "moe-performance", "bar",
                 labels=[MOE_STATUS_LABELS[s] for s in counts],
                 datasets=[{"label": "MOEs", "data": list(counts.values()) if moe_count else [],
                            "tones": ["ok", "warn", "bad", "nodata"]}], y_label="MOEs", whole_numbers=True)

"""The selectivity ranking rule and what missing evidence would settle (DESIGN.md section 3).

Rule (docs/selectivity.md): countries are ranked by the low end of their range (each
missing component at 0), then by the width of the range (narrower, i.e. more evidence,
first), then by the score, then by name. The low end never rises when evidence is
removed, and among equal low ends the one with less evidence has the wider range, so a
country never ranks above another because it has less evidence. (Ties on the low end
broken by the score alone would let a country missing a component that would have
scored 0 rank above the same country with that 0 on record: its renormalised score is
higher.)

:func:`ranking_key` is the pure face; ``assessments.selectors.current_scores`` orders by
the same columns in SQL, and ``tests/assessments/test_ranking.py`` holds them equal.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .selectivity import HUNDRED, score_range

# What supplying each component takes, in the words of the people who supply it.
COMPONENT_REMEDIES = {
    "priority": ("No priority tier", "a manager setting the country's tier"),
    "conditions": ("No approved assessment", "approving an assessment"),
    "effectiveness": ("No MOE achievement data", "approved measurements of its running programs' MOEs"),
}
COMPONENT_KEYS = ("priority", "conditions", "effectiveness")


def ranking_key(*, low: Decimal | None, high: Decimal | None, score: Decimal | None) -> tuple:
    """Sort key (ascending = best first) of the ranking rule; rows without a range go last."""
    width = (high - low) if low is not None and high is not None else None
    return (
        low is None, -(low or 0),
        width is None, width or 0,
        score is None, -(score or 0),
    )


@dataclass(frozen=True)
class EvidenceGap:
    """One missing component: what is missing, what would supply it, and where the low
    end of the range would land with it at 0 and at 100 (the others as they are)."""

    key: str
    missing: str
    remedy: str
    low_at_0: Decimal
    low_at_100: Decimal
    only_gap: bool

    @property
    def sentence(self) -> str:
        """E.g. "No approved assessment: approving an assessment would settle the score
        between 41.00 and 81.00." (with other gaps: "... would put the low end between")."""
        what = "settle the score" if self.only_gap else "put the low end of the range"
        return f"{self.missing}: {self.remedy} would {what} between {self.low_at_0} and {self.low_at_100}."


def evidence_gaps(
    *, weights: tuple[Decimal, Decimal, Decimal], components: tuple[Decimal | None, Decimal | None, Decimal | None]
) -> list[EvidenceGap]:
    """The missing components (P, C, E order) of a score with framework ``weights`` (wP, wC,
    wE, not renormalised) and ``components`` (0-100, None when missing); the low ends are
    those of :func:`score_range` with the component at 0 and at 100."""
    low, _ = score_range(weights=weights, components=components)
    if low is None:
        return []
    missing = [index for index, value in enumerate(components) if value is None]
    gaps = []
    for index in missing:
        label, remedy = COMPONENT_REMEDIES[COMPONENT_KEYS[index]]
        supplied = tuple(HUNDRED if i == index else value for i, value in enumerate(components))
        gaps.append(EvidenceGap(
            key=COMPONENT_KEYS[index], missing=label, remedy=remedy, low_at_0=low,
            low_at_100=score_range(weights=weights, components=supplied)[0], only_gap=len(missing) == 1,
        ))
    return gaps

"""Reads of the review queue and the annual planning worksheet: each review with its
program, the program's rollup, its countries with their selectivity band, and its flags.
The bands come from the assessments app (this page is above both apps; evaluations
itself never imports assessments)."""
from __future__ import annotations

from typing import TypedDict

from assessments.selectors import current_bands
from evaluations.selectors.reviews import open_crisis_country_ids, review_flags
from programs.models import Country, Program, ProgramReview

NO_SCORE = "no score"


class ReviewRow(TypedDict):
    """A row of the review pages: the review, its program and the program's rollup (or
    None), (country, band or NO_SCORE) pairs, and the review's flags."""

    review: ProgramReview
    program: Program
    rollup: object | None
    countries: list[tuple[Country, str]]
    flags: list


def review_rows(reviews: list[ProgramReview]) -> list[ReviewRow]:
    """``reviews`` (with their programs' countries and rollups prefetched, as the
    evaluations review selectors give them) as the pages' rows; two queries (bands,
    open crises) whatever their number."""
    bands = current_bands({c.id for r in reviews for c in r.program.countries.all()})
    crisis_countries = open_crisis_country_ids()
    return [
        ReviewRow(review=review, program=review.program, rollup=getattr(review.program, "rollup", None),
                  countries=[(c, bands.get(c.id, NO_SCORE)) for c in review.program.countries.all()],
                  flags=review_flags(review, crisis_countries))
        for review in reviews
    ]

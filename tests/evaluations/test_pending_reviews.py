"""One definition of "pending review" (programs.selectors.reviews.reviews_pending):
undecided, of a program that is not archived. The review queue listed the reviews of
archived programs (which cannot be decided) while the home page's crisis card and the
country brief left them out; now all of them read the one definition."""
import datetime as dt

import pytest

from dashboards.selectors.worklists import programs_under_crisis_review
from evaluations.selectors.reviews import pending_reviews
from programs.models import Program, ProgramReview, ReviewDecision
from programs.selectors.reviews import reviews_pending
from programs.services.reviews import review_decide
from reports.selectors.briefs import UndecidedReviews, undecided_reviews
from tests import factories

pytestmark = pytest.mark.django_db


def test_every_reader_of_pending_reviews_leaves_out_archived_programs_and_decided_reviews(manager):
    kenya = factories.country("KEN")
    running, archived, decided_program = (factories.ProgramFactory(countries=[kenya]) for _ in range(3))
    crisis = factories.crisis("KEN")
    waiting = ProgramReview.objects.create(program=running, out_of_cycle=True, crisis=crisis)
    ProgramReview.objects.create(program=archived, out_of_cycle=True, crisis=crisis)
    decided = ProgramReview.objects.create(program=decided_program, out_of_cycle=True, crisis=crisis)
    review_decide(user=manager, review=decided, decision=ReviewDecision.CONTINUE, rationale="On course")
    Program.objects.filter(pk=archived.pk).update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))

    assert list(reviews_pending()) == [waiting]
    assert list(pending_reviews()) == [waiting]  # the review queue
    card = programs_under_crisis_review()  # the managers' home page
    assert card.count == 1 and [row["label"] for row in card.rows] == [f"{running.code} {running.title}"]
    assert undecided_reviews(kenya) == UndecidedReviews(count=1, after_crisis=1)  # the country brief


def test_the_apis_pending_filter_is_the_same_definition(manager):
    from rest_framework.test import APIClient

    from api.tokens import api_token_issue

    running, archived = factories.ProgramFactory(), factories.ProgramFactory()
    waiting, shelved = factories.review(running), factories.review(archived)
    Program.objects.filter(pk=archived.pk).update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    _, token = api_token_issue(user=manager, label="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    pending = client.get("/api/v1/reviews/", {"pending": "true"}).json()["results"]
    others = client.get("/api/v1/reviews/", {"pending": "false"}).json()["results"]
    assert [r["id"] for r in pending] == [waiting.pk] and [r["id"] for r in others] == [shelved.pk]

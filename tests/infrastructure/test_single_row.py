"""One-row settings (``infrastructure.models.SingleRow``): the reporting policy, the brief
settings and the sign-in policy share one rule: read without writing, saved as row 1
whatever the id, a second row refused by the database."""
import pytest
from django.db import IntegrityError, transaction

from identity.models import SignInPolicy
from infrastructure.models import SingleRow
from notifications.models import ReportingPolicy
from reports.models import BriefSettings

pytestmark = pytest.mark.django_db

SETTINGS_MODELS = [ReportingPolicy, BriefSettings, SignInPolicy]


def test_every_one_row_settings_model_uses_the_base():
    from django.apps import apps

    one_row = sorted(m.__name__ for m in apps.get_models() if issubclass(m, SingleRow))
    assert one_row == sorted(m.__name__ for m in SETTINGS_MODELS)


@pytest.mark.parametrize("model", SETTINGS_MODELS, ids=lambda m: m.__name__)
def test_a_one_row_model_is_read_without_a_write_and_saved_as_its_one_row(model, django_assert_num_queries):
    model.objects.all().delete()
    # When it is read before anyone saved it: the defaults, one query, nothing written
    with django_assert_num_queries(1):
        current = model.current()
    assert current.pk == 1 and not model.objects.exists()
    # When a fresh instance is saved under another id (as the admin's add form would): row 1
    model(pk=7).save()
    assert list(model.objects.values_list("pk", flat=True)) == [1]
    # And saving what current() reads changes that row
    model.current().save()
    assert list(model.objects.values_list("pk", flat=True)) == [1]
    # And the database refuses another id
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=1).update(id=2)

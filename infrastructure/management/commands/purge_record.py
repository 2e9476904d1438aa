"""manage.py purge_record programs.Program 12 --administrator alice --reason "test record in production"

The documented, logged administrator purge (infrastructure.purge): the only hard delete.
"""
from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Delete one record for good (administrators only), logged with who and why."

    def add_arguments(self, parser):
        parser.add_argument("model", help="app_label.Model, e.g. programs.Program")
        parser.add_argument("pk", type=int)
        parser.add_argument("--administrator", required=True, help="user name of the superuser who purges")
        parser.add_argument("--reason", required=True, help="why the record is purged instead of archived")

    def handle(self, *args, model: str, pk: int, administrator: str, reason: str, **options):
        from infrastructure.purge import record_purge

        try:
            model_class = apps.get_model(model)
        except (LookupError, ValueError) as exc:
            raise CommandError(f"Unknown model '{model}' (use app_label.Model).") from exc
        record = model_class.objects.filter(pk=pk).first()
        if record is None:
            raise CommandError(f"No {model} with id {pk}.")
        user = get_user_model().objects.filter(username=administrator).first()
        if user is None:
            raise CommandError(f"No user named '{administrator}'.")
        try:
            counts = record_purge(administrator=user, record=record, reason=reason)
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"Purged {model}#{pk}: " + ", ".join(f"{n} {label}" for label, n in sorted(counts.items())))

"""``manage.py schema_setup``: migrate, creating a fresh database from the models in one
pass (infrastructure.schema_setup). ``make start`` runs it."""
from django.core.management.base import BaseCommand

from infrastructure.schema_setup import schema_setup


class Command(BaseCommand):
    help = "Migrate the database; a fresh (empty) one is created from the models in one pass."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database: str, **options):
        outcome = schema_setup(database=database, stdout=self.stdout)
        if outcome == "created":
            self.stdout.write("Fresh database: tables created from the models, migrations recorded, data steps run.")

"""``manage.py schema_setup``: create a missing PostgreSQL database, then migrate, creating
a fresh database from the models in one pass (infrastructure.schema_setup). ``make start``
runs it."""
from django.core.management.base import BaseCommand

from infrastructure.schema_setup import database_create_if_missing, schema_setup


class Command(BaseCommand):
    help = ("Create the PostgreSQL database if it does not exist, then migrate it; a fresh (empty) one is "
            "created from the models in one pass.")

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database: str, **options):
        created = database_create_if_missing(database)
        if created:
            self.stdout.write(f'Database "{created}" did not exist: created it (CREATE DATABASE, as the same user).')
        outcome = schema_setup(database=database, stdout=self.stdout)
        if outcome == "created":
            self.stdout.write("Fresh database: tables created from the models, migrations recorded, data steps run.")

from django.core.management.base import BaseCommand

from infrastructure.history import acting_as
from programs.services.reference_data import reference_data_load


class Command(BaseCommand):
    help = "Load or refresh countries, regions, goals, DAC sectors, agencies and regional organizations (idempotent)."

    def handle(self, *args, **options) -> None:
        with acting_as("reference data loader"):
            report = reference_data_load()
        self.stdout.write(str(report) if report.changed else "Reference data already up to date.")

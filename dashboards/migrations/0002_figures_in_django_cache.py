"""Dashboard figures move from the FigureSnapshot table to Django's cache (alias
"figures"): the table goes; the database cache's table is created when that is the
configured backend (stored figures are recomputed on the next view)."""
from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create_figures_cache_table(apps, schema_editor):
    if settings.CACHES["figures"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", settings.CACHES["figures"]["LOCATION"],
                     database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [
        migrations.DeleteModel(name="FigureSnapshot"),
        migrations.RunPython(create_figures_cache_table, migrations.RunPython.noop),
    ]

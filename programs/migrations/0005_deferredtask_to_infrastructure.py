"""DeferredTask now belongs to the infrastructure app (its migration 0001 takes over the
model's state); the table is kept as it is."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_moe_weight_decimal_validator"),
        ("infrastructure", "0001_deferred_task_from_programs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DeferredTask")],
            database_operations=[],
        ),
    ]

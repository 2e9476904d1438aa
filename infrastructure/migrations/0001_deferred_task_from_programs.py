"""DeferredTask moves from programs to infrastructure: state only, the table stays
``programs_deferredtask`` (no data is copied or lost)."""
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("programs", "0004_moe_weight_decimal_validator")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DeferredTask",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("task_name", models.CharField(max_length=200)),
                        ("args", models.JSONField(default=list)),
                        ("kwargs", models.JSONField(default=dict)),
                        ("error", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"ordering": ["created_at"], "db_table": "programs_deferredtask"},
                ),
            ],
            database_operations=[],
        ),
    ]

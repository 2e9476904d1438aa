"""The one-row rule from infrastructure.models.SingleRow: its check constraint, named
<app>_<model>_single_row."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="briefsettings", name="brief_settings_single_row"),
        migrations.AddConstraint(
            model_name="briefsettings",
            constraint=models.CheckConstraint(condition=models.Q(id=1), name="reports_briefsettings_single_row"),
        ),
    ]

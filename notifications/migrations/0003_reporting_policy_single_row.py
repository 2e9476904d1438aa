"""The one-row rule from infrastructure.models.SingleRow: its check constraint, named
<app>_<model>_single_row."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("notifications", "0002_reporting_policy_history")]

    operations = [
        migrations.RemoveConstraint(model_name="reportingpolicy", name="reporting_policy_single_row"),
        migrations.AddConstraint(
            model_name="reportingpolicy",
            constraint=models.CheckConstraint(condition=models.Q(id=1), name="notifications_reportingpolicy_single_row"),
        ),
    ]

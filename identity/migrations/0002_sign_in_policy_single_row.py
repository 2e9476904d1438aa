"""The one-row rule from infrastructure.models.SingleRow: its check constraint, named
<app>_<model>_single_row."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("identity", "0001_initial")]

    operations = [
        migrations.AddConstraint(
            model_name="signinpolicy",
            constraint=models.CheckConstraint(condition=models.Q(id=1), name="identity_signinpolicy_single_row"),
        ),
    ]

"""Seed framework version 1 (criteria and selectivity weights)."""
from django.db import migrations


def seed(apps, schema_editor):
    from assessments.framework_seed import seed_framework_v1

    seed_framework_v1(apps.get_model("assessments", "AssessmentFramework"), apps.get_model("assessments", "Criterion"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

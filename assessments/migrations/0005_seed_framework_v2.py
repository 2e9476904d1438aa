"""Seed framework version 2: version 1's criteria and weights plus two band caps.

Version 1 is not retired: assessments already submitted under it can still be approved,
and its scores stay explained by its own (cap-free) rules. New scores use version 2, the
highest version not retired.
"""
from django.db import migrations


def seed(apps, schema_editor):
    from assessments.framework_seed import seed_framework_v2

    seed_framework_v2(
        apps.get_model("assessments", "AssessmentFramework"),
        apps.get_model("assessments", "Criterion"),
        apps.get_model("assessments", "BandCap"),
    )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_band_caps_and_score_range")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Disbursed may not exceed obligated (``programs.models.planning.funding_disbursed_error``).

Added NOT VALID: every write from now on is checked, while rows stored before the rule
do not block the migration; ``manage.py data_check --rule funding-amounts`` lists them
for correction through the portal (then ``VALIDATE CONSTRAINT`` may be run)."""
from django.db import migrations, models

CONSTRAINT = models.CheckConstraint(
    condition=models.Q(("disbursed__lte", models.F("obligated"))),
    name="funding_disbursed_within_obligated",
    violation_error_message="Disbursed cannot exceed obligated.",
)


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0013_country_names_sort_accents_ignored"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="funding", constraint=CONSTRAINT)],
            database_operations=[
                migrations.RunSQL(
                    sql="ALTER TABLE programs_funding ADD CONSTRAINT funding_disbursed_within_obligated "
                        "CHECK (disbursed <= obligated) NOT VALID",
                    reverse_sql="ALTER TABLE programs_funding DROP CONSTRAINT funding_disbursed_within_obligated",
                ),
            ],
        ),
    ]

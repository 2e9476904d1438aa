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


def _add(apps, schema_editor) -> None:
    """PostgreSQL: the constraint NOT VALID (no scan, stored rows not checked). SQLite (the
    embedded set-up) has no NOT VALID: its table is rebuilt with the constraint."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE programs_funding ADD CONSTRAINT funding_disbursed_within_obligated "
                              "CHECK (disbursed <= obligated) NOT VALID")
        return
    funding = apps.get_model("programs", "Funding")
    funding._meta.constraints = [*funding._meta.constraints, CONSTRAINT]
    schema_editor.add_constraint(funding, CONSTRAINT)


def _remove(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE programs_funding DROP CONSTRAINT funding_disbursed_within_obligated")
        return
    funding = apps.get_model("programs", "Funding")
    funding._meta.constraints = [c for c in funding._meta.constraints if c.name != CONSTRAINT.name]
    schema_editor.remove_constraint(funding, CONSTRAINT)


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0013_country_names_sort_accents_ignored"),
    ]

    # The DDL is a database operation of SeparateDatabaseAndState: a fresh database built from
    # the models (schema_setup) already has the constraint and runs only top-level data steps.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddConstraint(model_name="funding", constraint=CONSTRAINT)],
            database_operations=[migrations.RunPython(_add, _remove)],
        ),
    ]

"""MOE-period achievements keyed by (MOE, period) instead of a surrogate id.

The unique (MOE, period) constraint becomes the primary key and the ``id`` column goes:
the full recompute rebuilds this table (1.32 M rows at 1 M measurements) and then built
three indexes, one of them only for ``id``, which nothing references
(docs/performance.md, "Issue 18, fourth round").

Django cannot migrate a model to a composite primary key by itself, so the database side
is written here. PostgreSQL: one ``ALTER TABLE`` (no rewrite: the dropped column's bytes go
with the next full recompute's fresh table; the key's index is built once, about as long as
the unique constraint's took). Other engines (SQLite, the embedded set-up): the table is made again from
the model and its rows copied back. Reversible: the rows get new ids.
"""
from django.db import migrations, models

TABLE = "evaluations_moeachievement"


def _table_like_model(apps, schema_editor) -> None:
    """Make the table again from the model as of this point of the migration, keeping
    its rows (every column both shapes have: all but ``id``)."""
    model = apps.get_model("evaluations", "MoeAchievement")
    columns = ", ".join(
        schema_editor.quote_name(field.column) for field in model._meta.concrete_fields if field.column != "id"
    )
    scratch = f"{TABLE}__migrating"
    schema_editor.execute(f"CREATE TABLE {scratch} AS SELECT {columns} FROM {TABLE}")
    schema_editor.execute(f"DROP TABLE {TABLE}")
    schema_editor.create_model(model)
    schema_editor.execute(f"INSERT INTO {TABLE} ({columns}) SELECT {columns} FROM {scratch}")
    schema_editor.execute(f"DROP TABLE {scratch}")


def forwards(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        _table_like_model(apps, schema_editor)
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} DROP CONSTRAINT moe_achievement_one_per_period, DROP COLUMN id, "
        f"ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (moe_id, period)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("evaluations", "0011_findings_build_programs_version"),
    ]

    operations = [
        # Backwards only: the model has its id again here.
        migrations.RunPython(migrations.RunPython.noop, _table_like_model),
        migrations.SeparateDatabaseAndState(
            # Inside, not a step of its own: a fresh database made from the models
            # (infrastructure.schema_setup) already has this shape and runs only top-level
            # RunPython steps.
            database_operations=[migrations.RunPython(forwards, migrations.RunPython.noop)],
            state_operations=[
                migrations.RemoveConstraint(model_name="moeachievement", name="moe_achievement_one_per_period"),
                migrations.RemoveField(model_name="moeachievement", name="id"),
                migrations.AddField(
                    model_name="moeachievement",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "moe", "period", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
            ],
        ),
    ]

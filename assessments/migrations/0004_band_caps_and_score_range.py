"""Band caps on framework versions; the range, uncapped band and caps on each score.

Existing scores (framework v1, no caps) get band_uncapped = band, no caps, and their
range computed from their stored components and weights, so they stay explainable.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Value, When
from django.db.models.functions import Coalesce, Round


def backfill_scores(apps, schema_editor):
    """One UPDATE applying ``score_range``'s formula to each stored row (rows whose weights
    add up to 0 keep no range)."""
    SelectivityScore = apps.get_model("assessments", "SelectivityScore")
    number = DecimalField(max_digits=12, decimal_places=6)
    zero = Value(0, output_field=number)
    pairs = (("weight_priority", "priority_component"), ("weight_conditions", "conditions_component"),
             ("weight_effectiveness", "effectiveness_component"))
    present = [Coalesce(F(w) * F(c), zero, output_field=number) for w, c in pairs]
    missing = [Case(When(**{f"{c}__isnull": True}, then=F(w)), default=zero, output_field=number) for w, c in pairs]
    total = F("weight_priority") + F("weight_conditions") + F("weight_effectiveness")
    weighted = present[0] + present[1] + present[2]
    SelectivityScore.objects.update(band_uncapped=F("band"), caps_applied="")
    SelectivityScore.objects.annotate(total=ExpressionWrapper(total, output_field=number)).filter(total__gt=0).update(
        low=Round(ExpressionWrapper(weighted / total, output_field=number), 2),
        high=Round(ExpressionWrapper(
            (weighted + Value(100, output_field=number) * (missing[0] + missing[1] + missing[2])) / total,
            output_field=number), 2),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0003_history_actor'),
        ('programs', '0004_moe_weight_decimal_validator'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BandCap',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('condition', models.CharField(choices=[('human_rights', 'Governance / human-rights criterion at 2 or below'), ('open_crisis', 'Open crisis event'), ('stale_assessment', 'Assessment older than 18 months')], max_length=20)),
                ('max_band', models.CharField(choices=[('sustain', 'Sustain'), ('review', 'Review'), ('deprioritise', 'Deprioritise')], help_text='The highest band allowed.', max_length=12)),
                ('reason', models.CharField(help_text="Shown in the score's explanation.", max_length=200)),
            ],
            options={
                'ordering': ['framework_id', 'condition'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalBandCap',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('rationale_category', models.CharField(blank=True, choices=[('budget_realignment', 'Budget realignment'), ('change_in_context', 'Change in context'), ('implementation_delay', 'Implementation delay'), ('data_correction', 'Data correction'), ('scope_change', 'Change of scope'), ('other', 'Other')], max_length=32)),
                ('condition', models.CharField(choices=[('human_rights', 'Governance / human-rights criterion at 2 or below'), ('open_crisis', 'Open crisis event'), ('stale_assessment', 'Assessment older than 18 months')], max_length=20)),
                ('max_band', models.CharField(choices=[('sustain', 'Sustain'), ('review', 'Review'), ('deprioritise', 'Deprioritise')], help_text='The highest band allowed.', max_length=12)),
                ('reason', models.CharField(help_text="Shown in the score's explanation.", max_length=200)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_actor', models.CharField(blank=True, max_length=100)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical band cap',
                'verbose_name_plural': 'historical band caps',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='selectivityscore',
            name='band_uncapped',
            field=models.CharField(choices=[('invest', 'Invest'), ('sustain', 'Sustain'), ('review', 'Review'), ('deprioritise', 'Deprioritise'), ('no_data', 'No data')], default='no_data', max_length=12),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='selectivityscore',
            name='caps_applied',
            field=models.CharField(blank=True, help_text='Codes of the caps whose condition held, comma-separated.', max_length=100),
        ),
        migrations.AddField(
            model_name='selectivityscore',
            name='high',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True),
        ),
        migrations.AddField(
            model_name='selectivityscore',
            name='low',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True),
        ),
        migrations.AlterField(
            model_name='selectivityscore',
            name='band',
            field=models.CharField(choices=[('invest', 'Invest'), ('sustain', 'Sustain'), ('review', 'Review'), ('deprioritise', 'Deprioritise'), ('no_data', 'No data')], help_text="After the framework's band caps.", max_length=12),
        ),
        migrations.AddConstraint(
            model_name='selectivityscore',
            constraint=models.CheckConstraint(condition=models.Q(('band_uncapped__in', ['invest', 'sustain', 'review', 'deprioritise', 'no_data'])), name='selectivity_valid_band_uncapped'),
        ),
        migrations.AddField(
            model_name='bandcap',
            name='framework',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='band_caps', to='assessments.assessmentframework'),
        ),
        migrations.AddField(
            model_name='historicalbandcap',
            name='framework',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='assessments.assessmentframework'),
        ),
        migrations.AddField(
            model_name='historicalbandcap',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='bandcap',
            constraint=models.UniqueConstraint(fields=('framework', 'condition'), name='band_cap_one_per_condition'),
        ),
        migrations.AddConstraint(
            model_name='bandcap',
            constraint=models.CheckConstraint(condition=models.Q(('condition__in', ['human_rights', 'open_crisis', 'stale_assessment'])), name='band_cap_valid_condition'),
        ),
        migrations.AddConstraint(
            model_name='bandcap',
            constraint=models.CheckConstraint(condition=models.Q(('max_band__in', ['sustain', 'review', 'deprioritise'])), name='band_cap_valid_max_band'),
        ),
        migrations.AddConstraint(
            model_name='bandcap',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='band_cap_has_reason'),
        ),
        # Last: PostgreSQL refuses ALTER TABLE after an UPDATE with pending trigger events.
        migrations.RunPython(backfill_scores, migrations.RunPython.noop),
    ]

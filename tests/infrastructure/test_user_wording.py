"""What people read keeps one rule per kind: dates month first and times in the portal's
time zone with the zone named (``infrastructure.dates``, the ``us_date`` / ``us_datetime``
filters, no other date format in a template); instants in exports as ISO 8601 with their
offset and floats rounded; counted nouns through one plural rule; text cut at a word with
an ellipsis; names sorted with accents ignored; band labels, never codes or "None"."""
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from assessments.models import Band, band_label
from infrastructure.dates import date_text, datetime_iso, datetime_text, instant_labels
from infrastructure.exports import cell_value
from infrastructure.sorting import by_name, name_sort_key
from infrastructure.text import shortened
from infrastructure.wording import counted, usd_text
from programs.importing.columns import KINDS
from programs.models import Country, MeasurementStatus
from tests import factories

UTC = dt.timezone.utc
# 02:20 UTC on Dec 1 is 9:20 PM the evening before in New York (EST, UTC-5).
INSTANT = dt.datetime(2026, 12, 1, 2, 20, 48, 633825, tzinfo=UTC)
TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
# A template formatting a date its own way: Django's |date / |time with a format, or a
# strftime pattern; only us_date / us_datetime may show dates.
STRAY_DATE_FORMAT = re.compile(r"\|(date|time)\s*:|\|naturalday\b|%[dbBYmHM]")


def test_dates_read_month_first_and_times_in_the_display_zone_with_its_name():
    assert settings.DISPLAY_TIME_ZONE == "America/New_York"
    assert date_text(dt.date(2026, 12, 1)) == "Dec 1, 2026"
    assert datetime_text(INSTANT) == "Nov 30, 2026, 9:20 PM EST"
    assert date_text(INSTANT) == "Nov 30, 2026"  # the day where the reader is
    assert datetime_text(dt.datetime(2026, 7, 4, 16, 5, tzinfo=UTC)) == "Jul 4, 2026, 12:05 PM EDT"
    assert datetime_text(None) == date_text(None) == ""


def test_the_filters_keep_a_machine_readable_time_element():
    page = Template("{{ when|us_datetime }} | {{ day|us_date }} | {{ none|us_datetime|default:'—' }}").render(
        Context({"when": INSTANT, "day": dt.date(2026, 12, 1), "none": None}))
    assert page == ('<time datetime="2026-11-30T21:20:48-05:00">Nov 30, 2026, 9:20 PM EST</time> | '
                    '<time datetime="2026-12-01">Dec 1, 2026</time> | —')


def test_no_template_formats_dates_its_own_way():
    found = {str(p.relative_to(settings.BASE_DIR)): STRAY_DATE_FORMAT.findall(p.read_text()) for p in TEMPLATES}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_the_check_knows_stray_date_formats():
    assert [bool(STRAY_DATE_FORMAT.search(t)) for t in (
        '{{ x|date:"Y-m-d" }}', "{{ x|time:'H:i' }}", "{{ x|us_datetime }}", "{{ x|us_date }}", "{{ x|default:'—' }}",
    )] == [True, True, False, False, False]


def test_exports_write_instants_as_iso_8601_with_offset_and_round_floats():
    assert cell_value(INSTANT) == "2026-11-30T21:20:48-05:00"
    assert cell_value(0.7201000000000001) == 0.7201
    assert cell_value(12.345678912) == 12.3457
    assert cell_value(Decimal("1234567.89")) == Decimal("1234567.89")
    assert cell_value(dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)
    assert cell_value(None) == ""


def test_chart_points_are_labeled_by_date_with_the_time_only_when_a_day_repeats():
    later = INSTANT + dt.timedelta(minutes=1)
    assert instant_labels([INSTANT - dt.timedelta(days=30), INSTANT, later]) == [
        "Oct 31, 2026", "Nov 30, 2026, 9:20 PM EST", "Nov 30, 2026, 9:21 PM EST"]
    assert instant_labels([INSTANT]) == ["Nov 30, 2026"]


def test_counted_nouns_follow_one_plural_rule():
    assert [counted(n, "row") for n in (0, 1, 2, 1250)] == ["0 rows", "1 row", "2 rows", "1,250 rows"]
    assert counted(2, "entry", "entries") == "2 entries"
    assert Template('{{ n|counted:"computation" }} / {{ m|counted:"entry,entries" }}').render(
        Context({"n": 1, "m": 3})) == "1 computation / 3 entries"


def test_money_in_messages_reads_as_us_dollars():
    assert usd_text(Decimal("-5000000")) == "-$5,000,000"
    assert usd_text(Decimal("1E+15")) == "$1,000,000,000,000,000"
    assert usd_text(Decimal("12.5")) == "$12.50"


def test_cut_text_ends_at_a_word_with_an_ellipsis():
    text = "15170 Women's rights organisations and movements and government institutions"
    cut = shortened(text, 50)
    assert cut == "15170 Women's rights organisations and movements…" and len(cut) <= 50
    assert shortened("Short enough", 50) == "Short enough"


def test_template_sheet_names_fit_excels_31_characters():
    assert [len(kind.sheet_name) <= 31 for kind in KINDS] == [True] * len(KINDS)
    assert "MOEs and targets" in [kind.sheet_name for kind in KINDS]


def test_names_sort_with_accents_ignored_in_python():
    names = ["Czechia", "Côte d'Ivoire", "Croatia", "Rwanda", "Réunion", "Romania", "Costa Rica"]
    assert sorted(names, key=name_sort_key) == [
        "Costa Rica", "Côte d'Ivoire", "Croatia", "Czechia", "Réunion", "Romania", "Rwanda"]


@pytest.mark.django_db
def test_country_lists_sort_with_accents_ignored_in_sql():
    wanted = ["CIV", "CRI", "HRV", "CZE", "REU", "ROU", "RWA"]
    assert list(Country.objects.filter(iso3__in=wanted).values_list("name", flat=True)) == sorted(
        Country.objects.filter(iso3__in=wanted).values_list("name", flat=True), key=name_sort_key)
    in_sql = list(Country.objects.filter(iso3__in=wanted).order_by(by_name()).values_list("iso3", flat=True))
    assert in_sql.index("CIV") < in_sql.index("HRV") < in_sql.index("CZE")
    assert in_sql.index("REU") < in_sql.index("ROU") < in_sql.index("RWA")


def test_bands_read_as_labels_in_american_english():
    assert band_label("deprioritise") == "Deprioritize"
    assert [band_label(code) for code in ("invest", "sustain", "review")] == ["Invest", "Sustain", "Review"]
    assert band_label("") == band_label("no score") == "No score"
    assert "deprioritise" not in [label.lower() for label in Band.labels]


@pytest.mark.django_db
def test_the_approvals_queue_and_its_export_say_no_breakdown_never_none(client, manager, program_a, analyst_a):
    # Given a submitted value without a breakdown
    moe = factories.MoeFactory(program=program_a)
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=Decimal("12"),
                                 status=MeasurementStatus.SUBMITTED, entered_by=analyst_a)
    client.force_login(manager)
    # When a manager opens the queue and exports it
    page = client.get(reverse("programs:approvals")).content.decode()
    export = client.get(reverse("programs:approvals-export", args=["csv"])).content.decode("utf-8-sig")
    # Then the breakdown reads "No breakdown", and no cell or tag says None
    assert "No breakdown" in page and ">None<" not in page
    assert "No breakdown" in export and ",None," not in export
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d", export)  # updated_at with its offset

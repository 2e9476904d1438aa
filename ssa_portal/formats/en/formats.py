"""The portal's one rule for dates and times shown to people (US English, month first):
"Dec 1, 2026" and "Dec 1, 2026, 9:20 PM EST" (times in ``DISPLAY_TIME_ZONE``, via the
``us_date`` / ``us_datetime`` filters of ``infrastructure.templatetags.portal_dates``).
Django uses these for any date it formats without an explicit format, the admin included
(``FORMAT_MODULE_PATH`` in the settings)."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, g:i A T"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A T"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "g:i A"

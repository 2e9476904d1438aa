"""The home page: what the portal holds, as tiles linking to the lists."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors import overview
from ..tables.links import url_or_none


def _list_url(name: str, fallback: str) -> str:
    return url_or_none(name) or url_or_none(fallback)


def home(request: HttpRequest) -> HttpResponse:
    counts = overview.home_counts()
    programs = _list_url("programs:program-list", "admin:programs_program_changelist")
    tiles = [
        {"label": "partner countries", "count": counts.countries,
         "url": _list_url("dashboards:country-list", "admin:programs_country_changelist")},
        {"label": "programs", "count": counts.programs, "url": programs},
        {"label": "measures of effectiveness", "count": counts.moes,
         "url": url_or_none("programs:program-list") or url_or_none("admin:programs_measureofeffectiveness_changelist")},
        {"label": "measurements", "count": counts.measurements,
         "url": url_or_none("programs:program-list") or url_or_none("admin:programs_measurement_changelist")},
    ]
    return render(request, "dashboards/home.html", {"tiles": tiles, "pending_deferred": counts.pending_deferred})
